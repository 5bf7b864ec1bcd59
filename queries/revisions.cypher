// The old-value snapshots of one node, oldest first (written by updates; see upsert_nodes).
MATCH (rev:Revision {rev_of: $of})
RETURN rev AS props
ORDER BY rev.rev_at, rev.version

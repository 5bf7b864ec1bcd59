// Audit entries after a sequence number, oldest first; optionally of one actor, or since a time.
MATCH (e:AuditEntry)
WHERE e.seq > $after
  AND ($actor IS NULL OR e.actor = $actor)
  AND ($since IS NULL OR e.at >= $since)
RETURN e AS entry
ORDER BY e.seq
LIMIT $limit

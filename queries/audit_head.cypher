// Where the audit trail stands: its last entry's sequence and hash.
MATCH (h:CivicMeta {key: 'audit_head'})
RETURN h.seq AS seq, h.hash AS hash

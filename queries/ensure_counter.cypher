// The event counter every write locks and advances, and the head of the audit trail (the
// sequence and hash of its last entry; each new entry names it, see audit_append).
MERGE (c:CivicMeta {key: 'event_seq'})
ON CREATE SET c.value = 0
WITH c
MERGE (a:CivicMeta {key: 'audit_head'})
ON CREATE SET a.seq = 0, a.hash = ''

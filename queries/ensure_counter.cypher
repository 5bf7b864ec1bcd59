// The event counter every write locks and advances.
MERGE (c:CivicMeta {key: 'event_seq'})
ON CREATE SET c.value = 0

MATCH (c:CivicMeta {key: 'event_seq'})
RETURN c.value AS seq

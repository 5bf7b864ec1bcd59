// The sequence number up to which change events were pruned from the graph (0: none).
MATCH (c:CivicMeta {key: 'event_seq'})
RETURN coalesce(c.pruned, 0) AS pruned

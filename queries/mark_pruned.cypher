// Record that change events up to $through are being pruned, before they go: a reader that
// follows the graph's events (`risk.follow`) then knows that history after its position is
// gone rather than missing events silently.
MATCH (c:CivicMeta {key: 'event_seq'})
SET c.pruned = CASE WHEN coalesce(c.pruned, 0) < $through THEN $through ELSE c.pruned END
RETURN c.pruned AS pruned

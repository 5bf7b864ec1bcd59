// Delete one node and its relationships, refusing a stale $expected version; records a
// node_deleted event; its relationships go with it.
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
WITH counter
OPTIONAL MATCH (n:__LABEL__ {id: $id})
WITH counter, n, coalesce(n.version, 0) AS current
WITH counter, n, current, ($expected IS NOT NULL AND current <> $expected) AS conflict
WITH counter, n, current, conflict, n IS NOT NULL AS found,
     (n IS NOT NULL AND NOT conflict) AS write
SET counter.value = counter.value + CASE WHEN write THEN 1 ELSE 0 END
WITH n, current, conflict, found, write, counter.value AS seq
FOREACH (_ IN CASE WHEN write THEN [1] ELSE [] END |
  DETACH DELETE n
  CREATE (:ChangeEvent {seq: seq, kind: 'node_deleted', label: '__LABEL__',
                        entity_ids: ['__LABEL__:' + $id], fields: [], actor: $actor,
                        source: $source, at: $now})
)
RETURN found, conflict, current, write

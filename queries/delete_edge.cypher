// Remove the relationship of one type between two nodes; records an edge_deleted event.
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
WITH counter
OPTIONAL MATCH (:__SOURCE__ {id: $source_id})-[r:__TYPE__]->(:__TARGET__ {id: $target_id})
WITH counter, collect(r) AS found
SET counter.value = counter.value + CASE WHEN size(found) > 0 THEN 1 ELSE 0 END
WITH found, counter.value AS seq
FOREACH (r IN found | DELETE r)
FOREACH (_ IN CASE WHEN size(found) > 0 THEN [1] ELSE [] END |
  CREATE (:ChangeEvent {seq: seq, kind: 'edge_deleted', label: '__TYPE__',
                        entity_ids: ['__SOURCE__:' + $source_id, '__TARGET__:' + $target_id],
                        fields: [], actor: $actor, source: $source, at: $now})
)
RETURN size(found) AS removed

// Delete one node and its relationships, refusing a stale $expected version; records a
// node_deleted event; its relationships go with it. Its last state is kept as a Revision
// (`rev_deleted`), and the event lists the grids it was placed in (they cannot be found after).
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
WITH counter
OPTIONAL MATCH (n:__LABEL__ {id: $id})
WITH counter, n, coalesce(n.version, 0) AS current
WITH counter, n, current, ($expected IS NOT NULL AND current <> $expected) AS conflict
WITH counter, n, current, conflict, n IS NOT NULL AS found,
     (n IS NOT NULL AND NOT conflict) AS write
OPTIONAL MATCH (n)-[:__PLACEMENT__]->(g:Grid)
WITH counter, n, current, conflict, found, write, collect(DISTINCT g.id) AS grids
SET counter.value = counter.value + CASE WHEN write THEN 1 ELSE 0 END
WITH n, current, conflict, found, write, grids, counter.value AS seq
FOREACH (_ IN CASE WHEN write THEN [1] ELSE [] END |
  CREATE (rev:Revision)
  SET rev = n
  SET rev.rev_of = '__LABEL__:' + $id, rev.rev_at = $now, rev.rev_source = $source,
      rev.rev_actor = $actor, rev.rev_fields = [], rev.rev_deleted = true
)
FOREACH (_ IN CASE WHEN write THEN [1] ELSE [] END |
  DETACH DELETE n
  CREATE (:ChangeEvent {seq: seq, kind: 'node_deleted', label: '__LABEL__',
                        entity_ids: ['__LABEL__:' + $id], fields: [], version: current,
                        grid_ids: grids, actor: $actor, source: $source, at: $now})
)
RETURN found, conflict, current, write

// Create or update relationships of one type between two labels, with change events in the
// same write (see upsert_nodes). Endpoints are checked to exist before this runs.
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
WITH counter
UNWIND $rows AS row
MATCH (a:__SOURCE__ {id: row.source})
MATCH (b:__TARGET__ {id: row.target})
OPTIONAL MATCH (a)-[existing:__TYPE__]->(b)
WITH counter, row, existing,
     [k IN keys(row.props)
      WHERE (existing[k] IS NULL) <> (row.props[k] IS NULL) OR existing[k] <> row.props[k]] AS changed
WHERE existing IS NULL OR size(changed) > 0
WITH counter, collect({row: row, created: existing IS NULL, changed: changed}) AS changes
SET counter.value = counter.value + size(changes)
WITH changes, counter.value - size(changes) AS base
UNWIND range(0, size(changes) - 1) AS i
WITH changes[i] AS change, base + i + 1 AS seq
MATCH (a:__SOURCE__ {id: change.row.source})
MATCH (b:__TARGET__ {id: change.row.target})
MERGE (a)-[r:__TYPE__]->(b)
ON CREATE SET r.created_at = $now
SET r += change.row.props,
    r.updated_at = $now,
    r.prov_source = $source,
    r.prov_actor = $actor
CREATE (:ChangeEvent {
  seq: seq,
  kind: CASE WHEN change.created THEN 'edge_created' ELSE 'edge_updated' END,
  label: '__TYPE__',
  entity_ids: ['__SOURCE__:' + change.row.source, '__TARGET__:' + change.row.target],
  fields: change.changed,
  actor: $actor,
  source: $source,
  at: $now
})
RETURN sum(CASE WHEN change.created THEN 1 ELSE 0 END) AS created, count(*) AS changed

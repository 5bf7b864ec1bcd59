// Create or update relationships of one type between two labels, with a change event per
// relationship that changed, in the same atomic write (see upsert_nodes). Endpoints are
// checked to exist before this runs.
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
SET counter.value = counter.value + size($rows)
WITH counter.value - size($rows) AS base
UNWIND $rows AS row
MATCH (a:__SOURCE__ {id: row.source})
MATCH (b:__TARGET__ {id: row.target})
OPTIONAL MATCH (a)-[e:__TYPE__]->(b)
WITH base, row, a, b, e
WHERE e IS NULL OR e.prop_hash IS NULL OR e.prop_hash <> row.hash
WITH base, row, a, b, e,
     CASE WHEN e IS NULL THEN row.fields
          ELSE [k IN keys(row.props)
                WHERE (e[k] IS NULL) <> (row.props[k] IS NULL) OR e[k] <> row.props[k]]
     END AS changed
WHERE e IS NULL OR size(changed) > 0
FOREACH (_ IN CASE WHEN e IS NULL THEN [1] ELSE [] END |
  CREATE (a)-[r:__TYPE__]->(b)
  SET r += row.props, r.prop_hash = row.hash, r.created_at = $now, r.updated_at = $now,
      r.prov_source = $source, r.prov_actor = $actor
)
FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END |
  SET e += row.props, e.prop_hash = row.hash, e.updated_at = $now,
      e.prov_source = $source, e.prov_actor = $actor
)
CREATE (:ChangeEvent {
  seq: base + row.i,
  kind: CASE WHEN e IS NULL THEN 'edge_created' ELSE 'edge_updated' END,
  label: '__TYPE__',
  entity_ids: ['__SOURCE__:' + row.source, '__TARGET__:' + row.target],
  fields: changed,
  actor: $actor,
  source: $source,
  at: $now
})
RETURN sum(CASE WHEN e IS NULL THEN 1 ELSE 0 END) AS created, count(*) AS changed

// Create or update nodes of one label, recording a change event per node that changed, in the
// same atomic write. The event counter is locked and advanced first, so writers are serialised
// and event sequence numbers follow commit order (numbers of unchanged rows are skipped).
// A row whose `hash` equals the stored `prop_hash` is unchanged and costs one comparison.
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
SET counter.value = counter.value + size($rows)
WITH counter.value - size($rows) AS base
UNWIND $rows AS row
OPTIONAL MATCH (e:__LABEL__ {id: row.id})
WITH base, row, e
WHERE e IS NULL OR e.prop_hash IS NULL OR e.prop_hash <> row.hash
WITH base, row, e,
     CASE WHEN e IS NULL THEN row.fields
          ELSE [k IN keys(row.props)
                WHERE (e[k] IS NULL) <> (row.props[k] IS NULL) OR e[k] <> row.props[k]]
     END AS changed
WHERE e IS NULL OR size(changed) > 0
FOREACH (_ IN CASE WHEN e IS NULL THEN [1] ELSE [] END |
  CREATE (n:__LABEL__ {id: row.id})
  SET n += row.props, n.search_text = row.search, n.prop_hash = row.hash, n.version = 1,
      n.created_at = $now, n.updated_at = $now, n.prov_source = $source, n.prov_actor = $actor
)
FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END |
  SET e += row.props, e.search_text = row.search, e.prop_hash = row.hash,
      e.version = coalesce(e.version, 0) + 1,
      e.updated_at = $now, e.prov_source = $source, e.prov_actor = $actor
)
CREATE (:ChangeEvent {
  seq: base + row.i,
  kind: CASE WHEN e IS NULL THEN 'node_created' ELSE 'node_updated' END,
  label: '__LABEL__',
  entity_ids: ['__LABEL__:' + row.id],
  fields: changed,
  actor: $actor,
  source: $source,
  at: $now
})
RETURN sum(CASE WHEN e IS NULL THEN 1 ELSE 0 END) AS created, count(*) AS changed

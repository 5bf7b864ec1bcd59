// Create or update nodes of one label, recording a change event per node that changed, in the
// same atomic write. The event counter is locked and advanced first, so writers are serialised
// and event sequence numbers follow commit order (numbers of unchanged rows are skipped).
// A row whose `hash` equals the stored `prop_hash` and whose source is already listed is
// unchanged and costs one comparison. `row.props` is written; `row.defaults` only fills a new
// node (a partial row from one source does not reset what another source set). An update first
// snapshots the node's old values into a Revision node, so nothing is silently lost. The event
// records the version the change made (its values: the node at that version, see `values_at`).
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
SET counter.value = counter.value + size($rows)
WITH counter.value - size($rows) AS base
UNWIND $rows AS row
OPTIONAL MATCH (e:__LABEL__ {id: row.id})
WITH base, row, e
WHERE e IS NULL OR e.prop_hash IS NULL OR e.prop_hash <> row.hash
   OR NOT $source IN coalesce(e.prov_sources, [])
WITH base, row, e,
     CASE WHEN e IS NULL THEN row.fields
          ELSE [k IN keys(row.props)
                WHERE (e[k] IS NULL) <> (row.props[k] IS NULL) OR e[k] <> row.props[k]]
     END AS changed,
     e IS NOT NULL AND NOT $source IN coalesce(e.prov_sources, []) AS new_source
WHERE e IS NULL OR size(changed) > 0 OR new_source
FOREACH (_ IN CASE WHEN e IS NULL THEN [1] ELSE [] END |
  CREATE (n:__LABEL__ {id: row.id})
  SET n += row.defaults
  SET n += row.props, n.search_text = row.search, n.prop_hash = row.hash, n.version = 1,
      n.created_at = $now, n.updated_at = $now, n.prov_source = $source, n.prov_actor = $actor,
      n.prov_sources = [$source]
)
FOREACH (_ IN CASE WHEN e IS NOT NULL AND size(changed) > 0 THEN [1] ELSE [] END |
  CREATE (rev:Revision)
  SET rev = e
  SET rev.rev_of = '__LABEL__:' + row.id, rev.rev_at = $now, rev.rev_source = $source,
      rev.rev_actor = $actor, rev.rev_fields = changed
)
FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END |
  SET e += row.props, e.search_text = row.search, e.prop_hash = row.hash,
      e.version = coalesce(e.version, 0) + 1,
      e.updated_at = $now, e.prov_source = $source, e.prov_actor = $actor,
      e.prov_sources = CASE WHEN new_source THEN coalesce(e.prov_sources, []) + $source
                            ELSE e.prov_sources END
)
CREATE (:ChangeEvent {
  seq: base + row.i,
  kind: CASE WHEN e IS NULL THEN 'node_created' ELSE 'node_updated' END,
  label: '__LABEL__',
  entity_ids: ['__LABEL__:' + row.id],
  fields: CASE WHEN new_source THEN changed + 'prov_sources' ELSE changed END,
  version: coalesce(e.version, 1),
  actor: $actor,
  source: $source,
  at: $now
})
RETURN sum(CASE WHEN e IS NULL THEN 1 ELSE 0 END) AS created, count(*) AS changed

// Create or update nodes of one label; record a change event per node that changed, in
// the same write. The event counter is locked first, so events are numbered in commit order.
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
WITH counter
UNWIND $rows AS row
OPTIONAL MATCH (existing:__LABEL__ {id: row.id})
WITH counter, row, existing,
     [k IN keys(row.props)
      WHERE (existing[k] IS NULL) <> (row.props[k] IS NULL) OR existing[k] <> row.props[k]] AS changed
WHERE existing IS NULL OR size(changed) > 0
WITH counter, collect({row: row, created: existing IS NULL, changed: changed}) AS changes
SET counter.value = counter.value + size(changes)
WITH changes, counter.value - size(changes) AS base
UNWIND range(0, size(changes) - 1) AS i
WITH changes[i] AS change, base + i + 1 AS seq
MERGE (n:__LABEL__ {id: change.row.id})
ON CREATE SET n.created_at = $now
SET n += change.row.props,
    n.search_text = change.row.search,
    n.updated_at = $now,
    n.prov_source = $source,
    n.prov_actor = $actor
CREATE (:ChangeEvent {
  seq: seq,
  kind: CASE WHEN change.created THEN 'node_created' ELSE 'node_updated' END,
  label: '__LABEL__',
  entity_ids: ['__LABEL__:' + change.row.id],
  fields: change.changed,
  actor: $actor,
  source: $source,
  at: $now
})
RETURN sum(CASE WHEN change.created THEN 1 ELSE 0 END) AS created, count(*) AS changed

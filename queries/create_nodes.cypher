// Create nodes of one label that were not stored when the writer looked (see node_states), with
// a change event each, in one atomic write. A node created by another writer since then breaks
// the unique constraint on ids; the write then rolls back whole and its rows go through
// upsert_nodes instead. Rows are positional (no maps, cheaper to encode and parse):
// [id, search text, digest, non-empty field names, values in __PROPS__ order, index].
// Properties go in the CREATE's own map: setting them afterwards cost FalkorDB 40 % more per
// node and five times more per relationship (measured); a null value sets nothing.
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
SET counter.value = counter.value + size($rows)
WITH counter.value - size($rows) AS base
UNWIND $rows AS row
CREATE (n:__LABEL__ {
  id: row[0], __PROPS__
  search_text: row[1], prop_hash: row[2], version: 1, created_at: $now, updated_at: $now,
  prov_source: $source, prov_actor: $actor, prov_sources: [$source]
})
CREATE (:ChangeEvent {
  seq: base + row[5],
  kind: 'node_created',
  label: '__LABEL__',
  entity_ids: ['__LABEL__:' + row[0]],
  fields: row[3],
  actor: $actor,
  source: $source,
  at: $now
})
RETURN count(*) AS created

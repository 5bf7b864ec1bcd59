// Create nodes of one label that were not stored when the writer looked (see node_states), with
// one change event for the batch, in one atomic write. A node created by another writer since
// then breaks the unique constraint on ids; the write then rolls back whole and its rows go
// through upsert_nodes instead. Rows are positional (no maps, cheaper to encode and parse):
// [id, search text, digest, values in __PROPS__ order].
// Properties go in the CREATE's own map: setting them afterwards cost FalkorDB 40 % more per
// node and five times more per relationship (measured); a null value sets nothing.
// The event lists every node created, in row order; `$fields` are the properties the rows set;
// `$entity_values` their non-personal values as JSON keyed by global id (the relay sends them
// on without reading the nodes back).
// One event per batch instead of one per node took a third off FalkorDB's time (measured).
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
SET counter.value = counter.value + 1
WITH counter.value AS seq
UNWIND $rows AS row
CREATE (n:__LABEL__ {
  id: row[0], __PROPS__
  search_text: row[1], prop_hash: row[2], version: 1, created_at: $now, updated_at: $now,
  prov_source: $source, prov_actor: $actor, prov_sources: [$source]
})
WITH seq, collect('__LABEL__:' + row[0]) AS ids
CREATE (:ChangeEvent {
  seq: seq,
  kind: 'node_created',
  label: '__LABEL__',
  entity_ids: ids,
  fields: $fields,
  entity_values: $entity_values,
  version: 1,
  actor: $actor,
  source: $source,
  at: $now
})
RETURN size(ids) AS created

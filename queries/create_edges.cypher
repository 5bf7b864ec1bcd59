// Create relationships that were not stored when the writer looked (see edge_states), or with
// an end the same writer created just before (see create_nodes); one change event for the
// batch, in one atomic write. Should one exist after all (another writer made it meanwhile)
// it is left alone, the count comes back short, and the writer sends the rows through
// upsert_edges.
// Rows are positional: [source id, target id, digest, values in __PROPS__ order].
// Properties go in the CREATE's own map (see create_nodes). The event lists the source and
// target of every relationship created, in pairs, in row order; every row of a write sets the
// same properties, `$fields`, so a skipped row never adds a name to the event.
// `$entity_values` holds each row's properties as JSON keyed `source->target` (global ids; a
// skipped row's are unused).
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
SET counter.value = counter.value + 1
WITH counter.value AS seq
UNWIND $rows AS row
MATCH (a:__SOURCE__ {id: row[0]})
MATCH (b:__TARGET__ {id: row[1]})
OPTIONAL MATCH (a)-[e:__TYPE__]->(b)
WITH seq, row, a, b, e
WHERE e IS NULL
CREATE (a)-[r:__TYPE__ {
  __PROPS__
  prop_hash: row[2], created_at: $now, updated_at: $now, prov_source: $source, prov_actor: $actor
}]->(b)
WITH seq, row
UNWIND ['__SOURCE__:' + row[0], '__TARGET__:' + row[1]] AS end
WITH seq, collect(end) AS ends
CREATE (:ChangeEvent {
  seq: seq,
  kind: 'edge_created',
  label: '__TYPE__',
  entity_ids: ends,
  fields: $fields,
  entity_values: $entity_values,
  actor: $actor,
  source: $source,
  at: $now
})
RETURN size(ends) / 2 AS created

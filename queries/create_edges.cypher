// Create relationships with at least one end created by the same writer just before (see
// create_nodes), so they cannot exist yet; a change event each, in one atomic write. Should one
// exist after all (another writer made both its ends meanwhile) it is left alone, the count
// comes back short, and the writer sends the rows through upsert_edges. Rows are positional:
// [source id, target id, digest, non-empty field names, values in __PROPS__ order, index].
// Properties go in the CREATE's own map (see create_nodes).
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
SET counter.value = counter.value + size($rows)
WITH counter.value - size($rows) AS base
UNWIND $rows AS row
MATCH (a:__SOURCE__ {id: row[0]})
MATCH (b:__TARGET__ {id: row[1]})
OPTIONAL MATCH (a)-[e:__TYPE__]->(b)
WITH base, row, a, b, e
WHERE e IS NULL
CREATE (a)-[r:__TYPE__ {
  __PROPS__
  prop_hash: row[2], created_at: $now, updated_at: $now, prov_source: $source, prov_actor: $actor
}]->(b)
CREATE (:ChangeEvent {
  seq: base + row[5],
  kind: 'edge_created',
  label: '__TYPE__',
  entity_ids: ['__SOURCE__:' + row[0], '__TARGET__:' + row[1]],
  fields: row[3],
  actor: $actor,
  source: $source,
  at: $now
})
RETURN count(*) AS created

// Create or update one node, refusing it when $expected is given and differs from the stored
// version (optimistic concurrency); records its change event in the same write. An update
// first snapshots the node's old values into a Revision node (see upsert_nodes).
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
WITH counter
OPTIONAL MATCH (e:__LABEL__ {id: $row.id})
WITH counter, e, coalesce(e.version, 0) AS current
WITH counter, e, current,
     ($expected IS NOT NULL AND current <> $expected) AS conflict,
     CASE WHEN e IS NULL THEN $row.fields
          ELSE [k IN keys($row.props)
                WHERE (e[k] IS NULL) <> ($row.props[k] IS NULL) OR e[k] <> $row.props[k]]
     END AS changed
WITH counter, e, current, conflict, changed,
     (NOT conflict AND (e IS NULL OR size(changed) > 0)) AS write
SET counter.value = counter.value + CASE WHEN write THEN 1 ELSE 0 END
WITH e, current, conflict, changed, write, counter.value AS seq
FOREACH (_ IN CASE WHEN write AND e IS NULL THEN [1] ELSE [] END |
  CREATE (n:__LABEL__ {id: $row.id})
  SET n += $row.props, n.search_text = $row.search, n.prop_hash = $row.hash, n.version = 1,
      n.created_at = $now, n.updated_at = $now, n.prov_source = $source, n.prov_actor = $actor,
      n.prov_sources = [$source]
)
FOREACH (_ IN CASE WHEN write AND e IS NOT NULL THEN [1] ELSE [] END |
  CREATE (rev:Revision)
  SET rev = e
  SET rev.rev_of = '__LABEL__:' + $row.id, rev.rev_at = $now, rev.rev_source = $source,
      rev.rev_actor = $actor, rev.rev_fields = changed
)
FOREACH (_ IN CASE WHEN write AND e IS NOT NULL THEN [1] ELSE [] END |
  SET e += $row.props, e.search_text = $row.search, e.prop_hash = $row.hash,
      e.version = current + 1,
      e.updated_at = $now, e.prov_source = $source, e.prov_actor = $actor,
      e.prov_sources = CASE WHEN $source IN coalesce(e.prov_sources, []) THEN e.prov_sources
                            ELSE coalesce(e.prov_sources, []) + $source END
)
FOREACH (_ IN CASE WHEN write THEN [1] ELSE [] END |
  CREATE (:ChangeEvent {
    seq: seq,
    kind: CASE WHEN e IS NULL THEN 'node_created' ELSE 'node_updated' END,
    label: '__LABEL__',
    entity_ids: ['__LABEL__:' + $row.id],
    fields: changed,
    version: current + 1,
    actor: $actor,
    source: $source,
    at: $now
  })
)
RETURN conflict, current, write, e IS NULL AS created

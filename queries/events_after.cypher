// Change events after a sequence number, oldest first.
MATCH (e:ChangeEvent)
WHERE e.seq > $after
RETURN e.seq AS seq, e.kind AS kind, e.label AS label, e.entity_ids AS entity_ids,
       e.fields AS fields, e.version AS version, e.grid_ids AS grid_ids,
       e.entity_values AS entity_values, e.actor AS actor, e.source AS source, e.at AS at
ORDER BY seq
LIMIT $limit

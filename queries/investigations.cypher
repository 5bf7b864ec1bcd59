// Investigations by id, or (no ids) every one, newest first.
MATCH (i:Investigation)
WHERE $ids IS NULL OR i.id IN $ids
RETURN i.id AS id, i.title AS title, i.owner AS owner, i.shared_with AS shared_with,
       i.nodes AS nodes, i.notes AS notes, i.layout AS layout, i.created_at AS created_at,
       i.updated_at AS updated_at, i.version AS version
ORDER BY i.updated_at DESC, i.id
LIMIT 1000

// Create or update an investigation, only from the version the writer read (0: a new one);
// no row back: someone saved it in between.
MERGE (i:Investigation {id: $id})
ON CREATE SET i.created_at = $now, i.owner = $owner, i.version = 0
WITH i
WHERE i.version = $expected
SET i.title = $title, i.shared_with = $shared_with, i.nodes = $nodes, i.notes = $notes,
    i.layout = $layout, i.updated_at = $now, i.version = i.version + 1
RETURN i.id AS id, i.title AS title, i.owner AS owner, i.shared_with AS shared_with,
       i.nodes AS nodes, i.notes AS notes, i.layout AS layout, i.created_at AS created_at,
       i.updated_at AS updated_at, i.version AS version

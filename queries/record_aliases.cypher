// Remember that an id used by a source names a node stored under another id (entity
// resolution merged them), so later references to the source's id find the node.
UNWIND $rows AS row
MERGE (a:IdAlias {key: row.key})
SET a.target = row.target

// The grids nodes of one label are placed in (a resident's household's building's grid…),
// with every grid above them.
UNWIND $ids AS id
MATCH (n:__LABEL__ {id: id})
OPTIONAL MATCH (n)-[:__PLACEMENT__]->(g:Grid)
OPTIONAL MATCH (g)-[:PART_OF*0..8]->(up:Grid)
RETURN id, collect(DISTINCT up.id) AS grids

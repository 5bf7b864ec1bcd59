// Grids with every grid above them (themselves included).
UNWIND $ids AS id
MATCH (g:Grid {id: id})
OPTIONAL MATCH (g)-[:PART_OF*0..8]->(up:Grid)
RETURN id, collect(DISTINCT up.id) AS grids

// The nodes one placement relationship up from nodes of one label (a resident's household, a
// household's building, a building's grid…), a null parent for a stored node placed nowhere:
// `grids_of` walks up by these a level at a time, each level one query over the distinct
// nodes it reached.
UNWIND $ids AS id
MATCH (n:__LABEL__ {id: id})
OPTIONAL MATCH (n)-[:__PLACEMENT__]->(parent)
RETURN id, labels(parent)[0] AS label, parent.id AS parent

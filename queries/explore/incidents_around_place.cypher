// description: Incidents at a building, at its neighbours and in its grid, reported in a period, as a graph. 某地周边某时段的事件
// param building: ID(Building)
// param since: String
// param until: String
// returns: graph
MATCH (b:Building {id: $building})
OPTIONAL MATCH (b)-[:ADJACENT_TO]-(n:Building)
WITH b, collect(DISTINCT n) + [b] AS places
UNWIND places AS place
MATCH (i:Incident)-[:OCCURRED_AT]->(place)
WHERE i.reported_at >= $since AND i.reported_at < $until
RETURN 'Incident:' + i.id AS source, 'OCCURRED_AT' AS type, 'Building:' + place.id AS target
LIMIT 2000

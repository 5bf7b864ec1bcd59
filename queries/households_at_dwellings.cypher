// Stored households by dwelling: [building id, unit ('' for none), room] (entity resolution).
UNWIND $keys AS key
MATCH (h:Household)-[r:RESIDES_IN]->(:Building {id: key[0]})
WHERE coalesce(r.unit, '') = key[1] AND r.room = key[2]
RETURN key[0] AS building, key[1] AS unit, key[2] AS room, h.id AS id

// Residents already in the graph with one of the given ID numbers (entity resolution).
UNWIND $keys AS key
MATCH (r:Resident {id_number: key})
RETURN key, r.id AS id

// Residents already in the graph with the same name, birth date and phone (entity resolution
// of rows without an ID number).
UNWIND $keys AS key
MATCH (r:Resident {name: key.name})
WHERE r.birth_date = key.birth_date AND r.phone = key.phone
RETURN key.key AS key, r.id AS id, r.id_number AS id_number

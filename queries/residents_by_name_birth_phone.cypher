// Residents already in the graph with the same name, birth date and phone (entity resolution
// of rows whose ID number found nobody). Looked up by the indexed phone.
UNWIND $keys AS key
MATCH (r:Resident {phone: key.phone})
WHERE r.name = key.name AND r.birth_date = key.birth_date
RETURN key.key AS key, r.id AS id, r.id_number AS id_number

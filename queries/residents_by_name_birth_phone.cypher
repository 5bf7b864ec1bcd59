// Residents already in the graph with the same name, birth date and phone (entity resolution
// of rows whose ID number found nobody). Looked up by the indexed phone.
// Keys are positional: [name, birth date, phone].
UNWIND $keys AS key
MATCH (r:Resident {phone: key[2]})
WHERE r.name = key[0] AND r.birth_date = key[1]
RETURN key[0] AS name, key[1] AS birth_date, key[2] AS phone, r.id AS id,
       r.id_number AS id_number

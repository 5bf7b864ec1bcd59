// description: Residents of a building who need help first in an emergency: the elderly (by birth year), with the household and floor they live on. 楼内需优先关照的居民
// param building: ID(Building)
// param born_before: Int = 1956
// returns: table
MATCH (b:Building {id: $building})<-[:RESIDES_IN]-(h:Household)<-[:MEMBER_OF]-(r:Resident)
WHERE toInteger(substring(r.birth_date, 0, 4)) < $born_before
RETURN r.id AS resident, r.name AS name, h.id AS household, h.floor AS floor
ORDER BY floor, resident
LIMIT 500

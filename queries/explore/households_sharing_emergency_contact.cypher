// description: Households whose members name the same emergency contact, with the contact, as a graph. 共用紧急联系人的住户
// param at_least: Int = 2
// returns: graph
MATCH (c:Resident)-[:EMERGENCY_CONTACT_OF]->(r:Resident)-[:MEMBER_OF]->(h:Household)
WITH c, collect(DISTINCT h) AS homes, collect(DISTINCT r) AS people
WHERE size(homes) >= $at_least
UNWIND people AS person
MATCH (person)-[:MEMBER_OF]->(home:Household)
RETURN 'Resident:' + c.id AS source, 'EMERGENCY_CONTACT_OF' AS type, 'Resident:' + person.id AS target
UNION
MATCH (c:Resident)-[:EMERGENCY_CONTACT_OF]->(r:Resident)-[:MEMBER_OF]->(h:Household)
WITH c, collect(DISTINCT h) AS homes, collect(DISTINCT r) AS people
WHERE size(homes) >= $at_least
UNWIND people AS person
MATCH (person)-[:MEMBER_OF]->(home:Household)
RETURN 'Resident:' + person.id AS source, 'MEMBER_OF' AS type, 'Household:' + home.id AS target

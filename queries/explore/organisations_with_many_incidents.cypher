// description: Organisations that incidents were assigned to or involve, most incidents first. 涉及事件较多的单位
// param at_least: Int = 2
// returns: table
MATCH (o:Organisation)<-[:ASSIGNED_TO|INVOLVES]-(i:Incident)
WITH o, count(DISTINCT i) AS incidents
WHERE incidents >= $at_least
RETURN o.id AS organisation, o.name AS name, incidents
ORDER BY incidents DESC, organisation
LIMIT 200

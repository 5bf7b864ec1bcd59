// Buildings, households and residents within each grid and the grids below it.
UNWIND $ids AS gid
MATCH (g:Grid {id: gid})<-[:PART_OF*0..3]-(:Grid)<-[:IN_GRID]-(b:Building)
OPTIONAL MATCH (b)<-[:RESIDES_IN]-(h:Household)
OPTIONAL MATCH (h)<-[:MEMBER_OF]-(r:Resident)
RETURN gid AS grid, count(DISTINCT b) AS buildings, count(DISTINCT h) AS households,
       count(DISTINCT r) AS residents

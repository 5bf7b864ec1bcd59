// Open incidents at each grid (and below): at its buildings, or recorded at the grids themselves.
UNWIND $ids AS gid
MATCH (:Grid {id: gid})<-[:PART_OF*0..3]-(:Grid)<-[:IN_GRID]-(:Building)<-[:OCCURRED_AT]-(i:Incident)
WHERE i.status IN $open
RETURN gid AS grid, i.id AS id, i.status AS status, i.category AS category,
       i.deadline_at AS deadline
UNION
UNWIND $ids AS gid
MATCH (:Grid {id: gid})<-[:PART_OF*0..3]-(:Grid)<-[:OCCURRED_AT]-(i:Incident)
WHERE i.status IN $open
RETURN gid AS grid, i.id AS id, i.status AS status, i.category AS category,
       i.deadline_at AS deadline

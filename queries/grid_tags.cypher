// Residents per key-population tag within each grid and the grids below it.
UNWIND $ids AS gid
MATCH (g:Grid {id: gid})<-[:PART_OF*0..3]-(:Grid)<-[:IN_GRID]-(:Building)
      <-[:RESIDES_IN]-(:Household)<-[:MEMBER_OF]-(r:Resident)
UNWIND r.tags AS tag
RETURN gid AS grid, tag, count(DISTINCT r) AS count

// Up to $limit neighbours of each node of one label; __PATTERN__ carries type and direction.
UNWIND $ids AS id
MATCH (a:__LABEL__ {id: id})
CALL {
  WITH a
  MATCH (a)__PATTERN__(b)
  RETURN r, b
  LIMIT $limit
}
RETURN a.id AS origin,
       type(r) AS type,
       startNode(r) = a AS outgoing,
       r AS rel_props,
       labels(b)[0] AS label,
       b.id AS id,
       b AS props

// One hop of a walk from the frontier's nodes of one label: each relationship (__PATTERN__
// carries its types) with the node at its far end (__PROPS__: the properties read of it),
// $limit rows at most.
UNWIND $ids AS id
MATCH (a:__LABEL__ {id: id})__PATTERN__(b)
RETURN a.id AS origin,
       type(r) AS type,
       startNode(r) = a AS outgoing,
       r AS rel_props,
       labels(b)[0] AS label,
       b.id AS id,
       __PROPS__ AS props
LIMIT $limit

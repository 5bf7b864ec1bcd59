// The first hop of a walk, from the seeds of one label: each relationship (__PATTERN__
// carries its types) with the node at its far end, $limit rows at most; __REL__ and __PROPS__:
// what is read of each (all its properties, or a list of some); __INTERNAL__: the far end's
// id inside the engine, which the next hop starts from (`expand_next`), and __ORIGIN__ the
// seed's.
UNWIND $ids AS id
MATCH (a:__LABEL__ {id: id})__PATTERN__(b)
RETURN labels(a)[0] AS origin_label,
       __ORIGIN__ AS origin_internal,
       a.id AS origin,
       type(r) AS type,
       startNode(r) = a AS outgoing,
       __REL__ AS rel_props,
       labels(b)[0] AS label,
       b.id AS id,
       __INTERNAL__ AS internal,
       __PROPS__ AS props
LIMIT $limit

// The next hop of a walk, from the nodes the last one reached, by their ids inside the engine
// (__SEEK__ reads one), whatever their labels: one query a hop. The rows are `expand_hop`'s.
UNWIND $ids AS internal
MATCH (a) WHERE __SEEK__ = internal
MATCH (a)__PATTERN__(b)
RETURN labels(a)[0] AS origin_label,
       a.id AS origin,
       type(r) AS type,
       startNode(r) = a AS outgoing,
       __REL__ AS rel_props,
       labels(b)[0] AS label,
       b.id AS id,
       __INTERNAL__ AS internal,
       __PROPS__ AS props
LIMIT $limit

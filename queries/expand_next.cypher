// The next hop of a walk, from the nodes the last one reached, by their ids inside the engine
// (__SEEK__ reads one), whatever their labels: one query a hop. The rows are `expand_hop`'s,
// less those back to the nodes the last hop started from ($behind): that hop read them. (The
// filter comes after a WITH: in the MATCH, FalkorDB would plan it as a scan of every node.)
UNWIND $ids AS internal
MATCH (a) WHERE __SEEK__ = internal
MATCH (a)__PATTERN__(b)
WITH a, r, b
WHERE NOT __INTERNAL__ IN $behind
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

// A shortest undirected path between two nodes.
MATCH (a:__SOURCE__ {id: $a}), (b:__TARGET__ {id: $b})
MATCH p = shortestPath((a)-[__REL__*..__MAXHOPS__]-(b))
RETURN [n IN nodes(p) | {label: labels(n)[0], id: n.id, props: properties(n)}] AS nodes,
       [r IN relationships(p) | {type: type(r),
                                  source_label: labels(startNode(r))[0], source: startNode(r).id,
                                  target_label: labels(endNode(r))[0], target: endNode(r).id,
                                  props: properties(r)}] AS rels

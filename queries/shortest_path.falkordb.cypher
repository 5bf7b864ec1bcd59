// A shortest undirected path between two nodes (FalkorDB's shortestPath is directed only).
MATCH (a:__SOURCE__ {id: $a}), (b:__TARGET__ {id: $b})
CALL algo.SPpaths({sourceNode: a, targetNode: b, __RELTYPES__ maxLen: __MAXHOPS__,
                   relDirection: 'both', pathCount: 1})
YIELD path
RETURN [n IN nodes(path) | {label: labels(n)[0], id: n.id, props: properties(n)}] AS nodes,
       [r IN relationships(path) | {type: type(r),
                                     source_label: labels(startNode(r))[0], source: startNode(r).id,
                                     target_label: labels(endNode(r))[0], target: endNode(r).id,
                                     props: properties(r)}] AS rels

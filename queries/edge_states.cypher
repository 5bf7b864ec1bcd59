// What an upsert compares with, for the stored relationships among the given pairs: their
// digest. Pairs are positional: [source id, target id].
UNWIND $pairs AS pair
MATCH (a:__SOURCE__ {id: pair[0]})-[e:__TYPE__]->(b:__TARGET__ {id: pair[1]})
RETURN a.id AS source, b.id AS target, e.prop_hash AS hash

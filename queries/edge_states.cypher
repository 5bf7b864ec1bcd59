// What an upsert compares with, for the stored relationships among the given pairs: their
// digest. Pairs are positional: [source id, target id]. Both ends are looked up by id first,
// so the relationship is found between them from whichever end has fewer relationships.
UNWIND $pairs AS pair
MATCH (a:__SOURCE__ {id: pair[0]})
MATCH (b:__TARGET__ {id: pair[1]})
MATCH (a)-[e:__TYPE__]->(b)
RETURN a.id AS source, b.id AS target, e.prop_hash AS hash

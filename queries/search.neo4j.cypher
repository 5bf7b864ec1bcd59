// Candidates from the n-gram full-text index over every searchable label (Lucene syntax),
// kept to the labels asked for and to what matches __WHERE__ (`AND …`, or nothing); the
// index's own limit (__OPTIONS__) only where nothing is filtered out after it.
CALL db.index.fulltext.queryNodes('entity_search', $query __OPTIONS__)
YIELD node, score
WITH node, score, labels(node)[0] AS label
WHERE (size($labels) = 0 OR label IN $labels) __WHERE__
RETURN label, node.id AS id, properties(node) AS props, score
ORDER BY score DESC
LIMIT $limit

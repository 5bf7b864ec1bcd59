// Candidates from the n-gram full-text index over every searchable label (Lucene syntax).
CALL db.index.fulltext.queryNodes('entity_search', $query, {limit: $limit})
YIELD node, score
WITH node, score, labels(node)[0] AS label
WHERE size($labels) = 0 OR label IN $labels
RETURN label, node.id AS id, properties(node) AS props, score
ORDER BY score DESC

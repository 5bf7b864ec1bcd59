// Candidates from the n-gram full-text index of one label (RediSearch: terms are ANDed), kept
// to those matching the label's scope condition (__WHERE__: `WHERE …`, or nothing).
// The adapter joins one such branch per label with UNION ALL: one round trip per search.
CALL db.idx.fulltext.queryNodes('__LABEL__', $query)
YIELD node, score
WITH node, score __WHERE__
RETURN '__LABEL__' AS label, node.id AS id, node AS props, score
ORDER BY score DESC
LIMIT $limit

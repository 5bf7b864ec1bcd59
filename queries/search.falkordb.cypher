// Candidates from the n-gram full-text index of one label (RediSearch: terms are ANDed).
CALL db.idx.fulltext.queryNodes('__LABEL__', $query)
YIELD node, score
RETURN node.id AS id, properties(node) AS props, score
ORDER BY score DESC
LIMIT $limit

// Register a GraphQL document under the SHA-256 of its text (once: the text of a hash never
// changes).
MERGE (q:PersistedQuery {hash: $hash})
ON CREATE SET q.query = $query, q.registered_at = $now, q.registered_by = $actor
RETURN q.hash AS hash

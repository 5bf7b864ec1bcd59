// Registered GraphQL documents by the SHA-256 of their text.
UNWIND $hashes AS hash
MATCH (q:PersistedQuery {hash: hash})
RETURN q.hash AS hash, q.query AS query

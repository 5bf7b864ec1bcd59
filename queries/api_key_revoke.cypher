// Revoke an API key (once: a revoked key keeps its first revocation time).
MATCH (k:ApiKey {id: $id})
WHERE k.revoked_at IS NULL
SET k.revoked_at = $now, k.revoked_by = $actor
RETURN k.id AS id

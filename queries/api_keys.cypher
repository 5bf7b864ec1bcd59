// Every API key, oldest first.
MATCH (k:ApiKey)
RETURN k AS key
ORDER BY k.created_at, k.id

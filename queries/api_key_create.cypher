// Record an API key: its id, the SHA-256 digest of its secret (the secret itself is never
// stored), and the principal it stands for.
CREATE (k:ApiKey {
  id: $id, digest: $digest, name: $name, role: $role, grids: $grids, org: $org,
  household: $household, created_at: $now, created_by: $actor
})
RETURN k.id AS id

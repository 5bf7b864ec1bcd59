// One API key by id (its digest and principal; revoked ones too).
MATCH (k:ApiKey {id: $id})
RETURN k AS key

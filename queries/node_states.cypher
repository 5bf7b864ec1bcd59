// What an upsert compares with, for the stored nodes among the given ids: digest and sources.
UNWIND $ids AS id
MATCH (n:__LABEL__ {id: id})
RETURN n.id AS id, n.prop_hash AS hash, n.prov_sources AS sources

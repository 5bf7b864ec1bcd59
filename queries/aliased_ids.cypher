// The nodes of one label that ids name through an alias (only those that still exist).
UNWIND $keys AS key
MATCH (a:IdAlias {key: key})
MATCH (n:__LABEL__ {id: a.target})
RETURN key, n.id AS id

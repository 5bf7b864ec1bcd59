// Which of the given ids exist as nodes of one label.
UNWIND $ids AS id
MATCH (n:__LABEL__ {id: id})
RETURN n.id AS id

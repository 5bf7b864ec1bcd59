// The properties of relationships of one type between two labels, by endpoint ids.
UNWIND $pairs AS pair
MATCH (:__SOURCE__ {id: pair[0]})-[r:__TYPE__]->(:__TARGET__ {id: pair[1]})
RETURN pair[0] AS source, pair[1] AS target, r AS props

// Nodes of one label counted by each value of one list property (e.g. tags).
MATCH (n:__LABEL__)
UNWIND n.__FIELD__ AS value
RETURN value, count(*) AS count

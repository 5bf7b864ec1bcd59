// Nodes of one label counted by the value of one property.
MATCH (n:__LABEL__)
RETURN n.__FIELD__ AS value, count(*) AS count

// Remove relayed change events (the stream holds them now), a bounded number per call.
MATCH (e:ChangeEvent)
WHERE e.seq <= $through
WITH e
LIMIT $limit
DELETE e
RETURN count(*) AS removed

// The values of nodes at given versions, from their Revision snapshots: a Revision holds the
// node as it was before an update (or a deletion), version included, so the first snapshot at
// or after a version holds that version's values (updates between wrote no field).
UNWIND $wanted AS w
MATCH (rev:Revision {rev_of: w[0]})
WHERE rev.version >= w[1]
WITH w, rev
ORDER BY rev.version
WITH w, collect(rev) AS revs
RETURN w[0] AS of, w[1] AS version, revs[0] AS props

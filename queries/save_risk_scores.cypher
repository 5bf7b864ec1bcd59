// Store an assessment's scores on nodes of one label and, in the same atomic write, record a
// risk_alert change event for each node whose score rose to `$threshold` or above from below
// it (or from none, or from a score for another hazard).
// Rows are positional: [id, score, the event's values as JSON keyed by global id].
MATCH (counter:CivicMeta {key: 'event_seq'})
SET counter.lock = true
WITH counter
UNWIND $rows AS row
MATCH (n:__LABEL__ {id: row[0]})
WITH counter, n, row,
     CASE WHEN n.risk_hazard = $hazard THEN n.risk_score ELSE null END AS previous
SET n.risk_score = row[1], n.risk_hazard = $hazard, n.risk_at = $now,
    n.risk_assessment = $assessment
WITH counter, count(n) AS saved,
     collect(CASE WHEN row[1] >= $threshold AND coalesce(previous, 0.0) < $threshold
                  THEN [n.id, row[2]] END) AS crossed
SET counter.value = counter.value + size(crossed)
WITH saved, crossed, counter.value - size(crossed) AS base
FOREACH (i IN range(0, size(crossed) - 1) |
  CREATE (:ChangeEvent {seq: base + i + 1, kind: 'risk_alert', label: '__LABEL__',
                        entity_ids: ['__LABEL__:' + crossed[i][0]], fields: ['risk_score'],
                        entity_values: crossed[i][1], actor: $actor, source: $source, at: $now})
)
RETURN saved, [c IN crossed | c[0]] AS alerted

// Append one audit entry, chained to the entry before it: the head is locked first, and the
// entry is written only if the head is still the one its hash was computed from (else no row
// comes back and the writer computes again from the new head). Values of personal fields
// never reach this query: only their names.
MATCH (h:CivicMeta {key: 'audit_head'})
SET h.lock = true
WITH h
WHERE h.hash = $prev AND h.seq = $seq - 1
SET h.hash = $hash, h.seq = $seq
CREATE (e:AuditEntry {
  seq: $seq, at: $at, actor: $actor, role: $role, method: $method, operation: $operation,
  fields: $fields, node_ids: $node_ids, personal_fields: $personal_fields, purpose: $purpose,
  client: $client, outcome: $outcome, prev_hash: $prev, hash: $hash
})
RETURN e.seq AS seq

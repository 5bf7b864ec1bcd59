"""The audit trail in the graph: append-only `AuditEntry` nodes chained by hash."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from graph.audit import entry_hash
from graph.cypher.session import CypherSession
from graph.errors import StoreUnavailableError
from graph.records import AuditEntry

APPEND_TRIES = 50


def _entry(props: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        seq=int(props["seq"]),
        at=props["at"],
        actor=props["actor"],
        role=props["role"],
        method=props["method"],
        operation=props["operation"],
        fields=tuple(props.get("fields") or ()),
        node_ids=tuple(props.get("node_ids") or ()),
        personal_fields=tuple(props.get("personal_fields") or ()),
        purpose=props.get("purpose"),
        client=props.get("client"),
        outcome=props.get("outcome") or "ok",
        prev_hash=props.get("prev_hash") or "",
        hash=props.get("hash") or "",
    )


class Audit:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def audit_head(self) -> tuple[int, str]:
        rows = self.session.read(self.session.q("audit_head"))
        return (int(rows[0]["seq"] or 0), rows[0]["hash"] or "") if rows else (0, "")

    def append_audit(self, draft: AuditEntry) -> AuditEntry:
        """Append `draft` (its seq and hashes are filled in here) after the current head; a
        writer that got there first makes this one compute again from the new head."""
        for _ in range(APPEND_TRIES):
            seq, prev = self.audit_head()
            entry = replace(draft, seq=seq + 1, prev_hash=prev)
            entry = replace(entry, hash=entry_hash(prev, entry))
            params = {
                "seq": entry.seq,
                "at": entry.at,
                "actor": entry.actor,
                "role": entry.role,
                "method": entry.method,
                "operation": entry.operation,
                "fields": list(entry.fields),
                "node_ids": list(entry.node_ids),
                "personal_fields": list(entry.personal_fields),
                "purpose": entry.purpose,
                "client": entry.client,
                "outcome": entry.outcome,
                "prev": prev,
                "hash": entry.hash,
            }
            if self.session.write(self.session.q("audit_append"), params):
                return entry
        raise StoreUnavailableError("the audit trail is too busy to append to; try again")

    def audit_entries(
        self, after: int = 0, limit: int = 1000, actor: str | None = None, since: str | None = None
    ) -> list[AuditEntry]:
        params = {"after": after, "limit": limit, "actor": actor, "since": since}
        rows = self.session.read(self.session.q("audit_entries"), params)
        return [_entry(dict(row["entry"])) for row in rows]

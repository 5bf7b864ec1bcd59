"""Investigations: an investigator's saved working set (nodes, notes, layout), shared with
named users; versioned, so two people saving at once cannot overwrite each other."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.cypher.session import CypherSession
from graph.errors import VersionConflictError
from graph.records import InvestigationRecord
from graph.write_rows import now_iso


def _record(row: dict[str, Any]) -> InvestigationRecord:
    return InvestigationRecord(
        id=row["id"],
        title=row["title"],
        owner=row["owner"],
        shared_with=list(row["shared_with"] or []),
        nodes=list(row["nodes"] or []),
        notes=row["notes"] or "",
        layout=row["layout"] or "{}",
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=int(row["version"]),
    )


class Investigations:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def save_investigation(
        self, record: InvestigationRecord, expected_version: int
    ) -> InvestigationRecord:
        params = {
            "id": record.id,
            "owner": record.owner,
            "expected": expected_version,
            "title": record.title,
            "shared_with": list(record.shared_with),
            "nodes": list(record.nodes),
            "notes": record.notes,
            "layout": record.layout,
            "now": now_iso(),
        }
        rows = self.session.write(self.session.q("investigation_save"), params)
        if not rows:
            current = self.investigations([record.id])
            version = current[0].version if current else 0
            raise VersionConflictError(f"Investigation:{record.id}", expected_version, version)
        return _record(rows[0])

    def investigations(self, ids: Sequence[str] | None = None) -> list[InvestigationRecord]:
        params = {"ids": list(ids) if ids is not None else None}
        return [_record(r) for r in self.session.read(self.session.q("investigations"), params)]

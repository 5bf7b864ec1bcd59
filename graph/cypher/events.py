"""The change events recorded with each write, and the old values updates replaced."""

from __future__ import annotations

from graph.cypher.session import CypherSession
from graph.records import ChangeEvent, NodeRef, Revision


class Events:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def events_after(self, seq: int, limit: int = 1000) -> list[ChangeEvent]:
        rows = self.session.read(self.session.q("events_after"), {"after": seq, "limit": limit})
        return [
            ChangeEvent(
                seq=int(r["seq"]),
                kind=r["kind"],
                label=r["label"],
                entity_ids=list(r["entity_ids"]),
                fields=list(r["fields"] or []),
                actor=r["actor"],
                source=r["source"],
                at=r["at"],
            )
            for r in rows
        ]

    def last_event_seq(self) -> int:
        rows = self.session.read(self.session.q("last_event_seq"))
        return int(rows[0]["seq"]) if rows else 0

    def revisions(self, ref: NodeRef) -> list[Revision]:
        """What updates replaced on a node, oldest first: who, when, and the old values."""
        rows = self.session.read(self.session.q("revisions"), {"of": str(ref)})
        history = []
        for row in rows:
            props = dict(row["props"])
            fields = list(props.get("rev_fields") or [])
            history.append(
                Revision(
                    at=props["rev_at"],
                    source=props["rev_source"],
                    actor=props["rev_actor"],
                    old={f: props.get(f) for f in fields},
                )
            )
        return history

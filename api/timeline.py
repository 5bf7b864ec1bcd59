"""`timeline(ids, since, until, first, after)`: what happened to some nodes, in time order —
their creation and updates, the incidents at or about them with every workflow step, the
petitions that name them or that they submitted, and the device alerts folded into incidents
their devices raised. Read from the nodes, their Revision snapshots and the relationships
around them, so it outlives the change stream's retention; scoped like every read."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from api.neighbourhood import refs_of, visible
from api.nodes import Node
from api.nodes.registry import to_graphql
from api.pagination import PageInfo, bad_input, decode_cursor, encode_cursor
from graph.model import EdgeType, Label
from graph.model.personal_text import masked
from graph.model.validators import format_timestamp
from graph.records import Direction, NodeRecord, NodeRef

MAX_PAGE = 200
# The relationships that bring incidents and petitions into a node's timeline.
AROUND = [
    EdgeType.OCCURRED_AT,
    EdgeType.INVOLVES,
    EdgeType.RAISED_BY,
    EdgeType.MENTIONS,
    EdgeType.SUBMITTED_BY,
    EdgeType.REPORTS,
]


@strawberry.enum(description="What a timeline entry is.")
class TimelineKind(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    INCIDENT_STEP = "INCIDENT_STEP"
    PETITION = "PETITION"
    DEVICE_ALERT = "DEVICE_ALERT"


@dataclass(frozen=True)
class _Entry:
    at: str
    kind: TimelineKind
    subject: NodeRef
    record: NodeRecord
    summary: str


@strawberry.type(description="One thing that happened to a node.")
class TimelineEntry:
    at: str
    kind: TimelineKind
    subject: Node = strawberry.field(description="Which of the nodes asked about it concerns.")
    node: Node = strawberry.field(
        description="The node it happened to: the subject itself, an incident, a petition."
    )
    summary: str


@strawberry.type
class TimelineEdge:
    cursor: str
    node: TimelineEntry


@strawberry.type
class TimelineConnection:
    edges: list[TimelineEdge]
    page_info: PageInfo
    total_count: int


def _own(subject: NodeRecord, updates: list[Any]) -> list[_Entry]:
    found = []
    created = subject.props.get("created_at")
    if isinstance(created, str):
        found.append(_Entry(created, TimelineKind.CREATED, subject.ref, subject, "created"))
    for revision in updates:
        fields = ", ".join(revision.fields) if revision.fields else "its fields"
        summary = f"updated {fields} ({revision.source}, {revision.actor})"
        found.append(_Entry(revision.at, TimelineKind.UPDATED, subject.ref, subject, summary))
    return found


def _incident(subject: NodeRef, incident: NodeRecord) -> list[_Entry]:
    props = incident.props
    found = []
    steps = props.get("history") or "[]"
    for step in json.loads(steps) if isinstance(steps, str) else steps:
        note = f": {step['note']}" if step.get("note") else ""
        summary = f"{props.get('category')} {step['action']} → {step['to_status']}{note}"
        found.append(_Entry(step["at"], TimelineKind.INCIDENT_STEP, subject, incident, summary))
    for alert in props.get("recent_alerts") or []:
        kind, _, at = str(alert).partition("@")
        summary = f"device alert {kind} ({props.get('category')})"
        found.append(_Entry(at, TimelineKind.DEVICE_ALERT, subject, incident, summary))
    return found


def _petition(subject: NodeRef, petition: NodeRecord) -> _Entry | None:
    props = petition.props
    at = props.get("submitted_at") or props.get("created_at")
    if not isinstance(at, str):
        return None
    words = masked(str(props.get("title") or props.get("text") or ""))[:60]
    return _Entry(at, TimelineKind.PETITION, subject, petition, words)


def _gather(info: Info, subjects: dict[NodeRef, NodeRecord]) -> list[_Entry]:
    base = info.context.base_store
    refs = list(subjects)
    entries: list[_Entry] = []
    for ref, record in subjects.items():
        entries += _own(record, base.revisions(ref))
        if ref.label == Label.INCIDENT:
            entries += _incident(ref, record)
    around = base.neighbours(refs, AROUND, Direction.BOTH, 500)
    shown = visible(info.context.store, {n.node.ref: n.node for ns in around.values() for n in ns})
    for ref, neighbours in around.items():
        for item in neighbours:
            other = shown.get(item.node.ref)
            if other is None:
                continue
            if other.label == Label.INCIDENT:
                entries += _incident(ref, other)
            elif other.label == Label.PETITION and (entry := _petition(ref, other)):
                entries.append(entry)
    return entries


@strawberry.type
class TimelineQuery:
    @strawberry.field(
        description="What happened to these nodes in [since, until), oldest first: changes, "
        "incidents and their workflow steps, petitions, device alerts."
    )
    async def timeline(
        self,
        info: Info,
        ids: list[strawberry.ID],
        since: datetime | None = None,
        until: datetime | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> TimelineConnection:
        if not 1 <= first <= MAX_PAGE:
            raise bad_input(f"first: give 1 to {MAX_PAGE} (got {first})")
        if not 1 <= len(ids) <= 50:
            raise bad_input("ids: give 1 to 50 ids")
        refs = refs_of(ids, "ids")
        found = await asyncio.to_thread(info.context.store.get_nodes, refs)
        for n, ref in enumerate(refs):
            if ref not in found:
                raise bad_input(f"ids[{n}]: {ref} does not exist")
        entries = await asyncio.to_thread(_gather, info, found)
        low = format_timestamp(since) if since else ""
        high = format_timestamp(until) if until else "~"
        unique = {
            (e.at, e.kind.value, str(e.subject), str(e.record.ref), e.summary): e
            for e in entries
            if low <= e.at < high
        }
        ordered = [unique[key] for key in sorted(unique)]
        start = 0
        if after is not None:
            position = decode_cursor(after, "after")
            if not isinstance(position, int) or position < 0:
                raise bad_input("after: not a cursor of this timeline")
            start = position + 1
        page = ordered[start : start + first]
        records = {**found, **{e.record.ref: e.record for e in page}}
        edges = [
            TimelineEdge(
                cursor=encode_cursor(start + n),
                node=TimelineEntry(
                    at=e.at,
                    kind=e.kind,
                    subject=to_graphql(records[e.subject]),
                    node=to_graphql(e.record),
                    summary=e.summary,
                ),
            )
            for n, e in enumerate(page)
        ]
        return TimelineConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + first < len(ordered),
                has_previous_page=start > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=len(ordered),
        )

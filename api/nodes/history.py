"""`changeHistory` on every node type: its changes, oldest first, with who made them and the values
they wrote and replaced (fields that are not personal data; personal ones are named only).
Read from the node and the Revision snapshots its updates keep, so it outlives the change
stream's retention."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.enums import ChangeKind
from api.pagination import PageInfo, bad_input, decode_cursor, encode_cursor
from events.change import camel, camel_keys, public_values
from graph.model import NODE_MODELS, Label
from graph.records import NodeRef, Revision

MAX_HISTORY_PAGE = 100


@strawberry.type(description="One change of a node.")
class HistoryEntry:
    version: int = strawberry.field(description="The node's version this change made.")
    kind: ChangeKind
    at: str | None
    actor: str | None
    source: str | None
    changed_fields: list[str]
    values: JSON | None = strawberry.field(description="What it wrote (not personal fields).")
    old_values: JSON | None = strawberry.field(description="What it replaced.")


@strawberry.type
class HistoryEdge:
    cursor: str
    node: HistoryEntry


@strawberry.type
class HistoryConnection:
    edges: list[HistoryEdge]
    page_info: PageInfo


def entries(
    label: str, revisions: list[Revision], current: dict[str, Any] | None
) -> list[HistoryEntry]:
    """The node's history: its creation, then one entry per update that changed a field."""
    updates = [r for r in revisions if not r.deleted]
    states = [r.snapshot for r in updates] + ([current] if current is not None else [])
    if not states:
        return []
    created = states[0]
    found = [
        HistoryEntry(
            version=int(created.get("version") or 1),
            kind=ChangeKind.NODE_CREATED,
            at=created.get("created_at"),
            actor=created.get("prov_actor"),
            source=created.get("prov_source"),
            changed_fields=sorted(camel(k) for k in created if k in _fields(label)),
            values=cast(Any, camel_keys(public_values(label, created, None))),
            old_values=None,
        )
    ]
    for revision, after in zip(updates, states[1:], strict=False):
        found.append(
            HistoryEntry(
                version=revision.version + 1,
                kind=ChangeKind.NODE_UPDATED,
                at=revision.at,
                actor=revision.actor,
                source=revision.source,
                changed_fields=[camel(name) for name in revision.fields],
                values=cast(Any, camel_keys(public_values(label, after, revision.fields))),
                old_values=cast(
                    Any, camel_keys(public_values(label, revision.snapshot, revision.fields))
                ),
            )
        )
    return found


def _fields(label: str) -> frozenset[str]:
    return frozenset(NODE_MODELS[Label(label)].model_fields) - {"id"}


def history_field() -> Any:
    """The `changeHistory(first, after)` field of a node type."""

    async def resolve(
        self: Any, info: Info, first: int = 20, after: str | None = None
    ) -> HistoryConnection:
        return await history(info, str(self.id), first, after)

    return strawberry.field(
        resolver=resolve,
        description="Its changes, oldest first: who, when, what was written and replaced "
        "(personal fields by name only).",
    )


async def history(
    info: Info, global_id: str, first: int = 20, after: str | None = None
) -> HistoryConnection:
    if not 0 < first <= MAX_HISTORY_PAGE:
        raise bad_input(f"first: give a number from 1 to {MAX_HISTORY_PAGE}")
    since = decode_cursor(after, "after") if after is not None else 0
    if not isinstance(since, int):
        raise bad_input("after: not a history cursor")
    ref = NodeRef.parse(global_id)
    revisions = await asyncio.to_thread(info.context.store.revisions, ref)
    record = await info.context.loaders.nodes.load(ref)
    current = dict(record.props) if record is not None else None
    found = [e for e in entries(ref.label.value, revisions, current) if e.version > since]
    page = found[:first]
    return HistoryConnection(
        edges=[HistoryEdge(cursor=encode_cursor(e.version), node=e) for e in page],
        page_info=PageInfo(
            has_next_page=len(found) > first,
            has_previous_page=since > 0,
            start_cursor=encode_cursor(page[0].version) if page else None,
            end_cursor=encode_cursor(page[-1].version) if page else None,
        ),
    )

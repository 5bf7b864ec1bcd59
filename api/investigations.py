"""Investigations: an investigator's saved working set — the nodes on the canvas, notes, the
drawing positions and a title — shared with named users, and exported as GraphML, JSON or CSV.
The owner and the users it is shared with may read and update it (only the owner changes whom
it is shared with); administrators may read every one. The nodes shown are those the reader
may read; an export holds them and the relationships between them."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from enum import Enum
from typing import Any, cast
from xml.sax.saxutils import escape, quoteattr

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.auth.principal import Role
from api.mutations.nodes import UserError
from api.neighbourhood import visible
from api.nodes import Node
from api.nodes.base import display_label
from api.nodes.registry import to_graphql
from api.pagination import bad_input
from graph.errors import VersionConflictError
from graph.records import EdgeRecord, InvestigationRecord, NodeRecord, NodeRef

MAX_NODES = 2_000


@strawberry.enum
class ExportFormat(Enum):
    GRAPHML = "GRAPHML"
    JSON = "JSON"
    CSV = "CSV"


@strawberry.type(description="An investigator's saved working set.")
class Investigation:
    id: strawberry.ID
    title: str
    owner: str
    shared_with: list[str]
    notes: str
    layout: JSON = strawberry.field(description="Drawing positions: {id: [x, y]}.")
    created_at: str
    updated_at: str
    version: int
    node_ids: strawberry.Private[list[str]]

    @strawberry.field(description="Its nodes that you may read.")
    async def nodes(self, info: Info) -> list[Node]:
        refs = [NodeRef.parse(i) for i in self.node_ids]
        records = await asyncio.to_thread(info.context.store.get_nodes, refs)
        return [to_graphql(records[r]) for r in refs if r in records]


@strawberry.input
class InvestigationInput:
    title: str | None = None
    nodes: list[strawberry.ID] | None = None
    notes: str | None = None
    layout: JSON | None = None
    shared_with: list[str] | None = None


@strawberry.type
class InvestigationPayload:
    investigation: Investigation | None
    errors: list[UserError]


@strawberry.type
class ExportedInvestigation:
    format: ExportFormat
    filename: str
    content: str


def _shown(record: InvestigationRecord) -> Investigation:
    return Investigation(
        id=strawberry.ID(f"Investigation:{record.id}"),
        title=record.title,
        owner=record.owner,
        shared_with=record.shared_with,
        notes=record.notes,
        layout=cast(JSON, json.loads(record.layout or "{}")),
        created_at=record.created_at,
        updated_at=record.updated_at,
        version=record.version,
        node_ids=record.nodes,
    )


def _refused(path: str, message: str, code: str) -> InvestigationPayload:
    return InvestigationPayload(
        investigation=None, errors=[UserError(path=[path], message=message, code=code)]
    )


def _may_read(info: Info, record: InvestigationRecord) -> bool:
    principal = info.context.principal
    return principal is not None and (
        principal.role == Role.ADMIN
        or principal.sub == record.owner
        or principal.sub in record.shared_with
    )


def _key(given: strawberry.ID) -> str:
    label, _, key = str(given).partition(":")
    if label != "Investigation" or not key:
        raise bad_input(f"id: {given!r} is not an Investigation id")
    return key


async def _one(info: Info, given: strawberry.ID) -> InvestigationRecord | None:
    key = _key(given)
    found = await asyncio.to_thread(info.context.base_store.investigations, [key])
    return found[0] if found and _may_read(info, found[0]) else None


async def _checked(info: Info, value: InvestigationInput) -> str | None:
    """Why the input may not be saved (`path: reason`), or None."""
    if value.title is not None and not 1 <= len(value.title.strip()) <= 200:
        return "input.title: give 1 to 200 characters"
    if value.notes is not None and len(value.notes) > 100_000:
        return "input.notes: at most 100,000 characters"
    if value.nodes is not None:
        if len(value.nodes) > MAX_NODES:
            return f"input.nodes: at most {MAX_NODES}"
        refs = []
        for n, given in enumerate(value.nodes):
            try:
                refs.append(NodeRef.parse(str(given)))
            except ValueError as exc:
                return f"input.nodes[{n}]: {exc}"
        found = await asyncio.to_thread(info.context.store.get_nodes, refs)
        for n, ref in enumerate(refs):
            if ref not in found:
                return f"input.nodes[{n}]: {ref} does not exist"
    if value.layout is not None:
        layout: Any = value.layout
        if not isinstance(layout, dict) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(c, int | float) for c in p)
            for p in layout.values()
        ):
            return "input.layout: give {id: [x, y]}"
    if value.shared_with is not None and any(not 1 <= len(u) <= 100 for u in value.shared_with):
        return "input.sharedWith: user names of 1 to 100 characters"
    return None


async def _save(info: Info, record: InvestigationRecord, expected: int) -> InvestigationPayload:
    try:
        saved = await asyncio.to_thread(
            info.context.base_store.save_investigation, record, expected
        )
    except VersionConflictError as exc:
        return _refused("expectedVersion", str(exc), "VERSION_CONFLICT")
    return InvestigationPayload(investigation=_shown(saved), errors=[])


def _merged(record: InvestigationRecord, value: InvestigationInput) -> InvestigationRecord:
    return InvestigationRecord(
        id=record.id,
        title=value.title.strip() if value.title is not None else record.title,
        owner=record.owner,
        shared_with=sorted(set(value.shared_with))
        if value.shared_with is not None
        else record.shared_with,
        nodes=[str(n) for n in dict.fromkeys(value.nodes)]
        if value.nodes is not None
        else record.nodes,
        notes=value.notes if value.notes is not None else record.notes,
        layout=json.dumps(value.layout) if value.layout is not None else record.layout,
        version=record.version,
    )


def _export(
    record: InvestigationRecord, nodes: list[NodeRecord], edges: list[EdgeRecord], fmt: ExportFormat
) -> str:
    labelled = [(n.ref, display_label(n.props.get, str(n.ref))) for n in nodes]
    if fmt == ExportFormat.JSON:
        return json.dumps(
            {
                "investigation": {"id": record.id, "title": record.title, "notes": record.notes},
                "nodes": [
                    {"id": str(r), "type": r.label.value, "label": lab} for r, lab in labelled
                ],
                "edges": [
                    {"type": e.type.value, "source": str(e.source), "target": str(e.target)}
                    for e in edges
                ],
            },
            ensure_ascii=False,
        )
    if fmt == ExportFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["kind", "id", "type", "label", "source", "target"])
        for ref, lab in labelled:
            writer.writerow(["node", str(ref), ref.label.value, lab, "", ""])
        for e in edges:
            writer.writerow(["edge", "", e.type.value, "", str(e.source), str(e.target)])
        return out.getvalue()
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        '  <key id="type" for="all" attr.name="type" attr.type="string"/>',
        '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
        f'  <graph id={quoteattr(record.title)} edgedefault="directed">',
    ]
    for ref, lab in labelled:
        lines.append(
            f'    <node id={quoteattr(str(ref))}><data key="type">{ref.label.value}</data>'
            f'<data key="label">{escape(lab)}</data></node>'
        )
    for e in edges:
        lines.append(
            f"    <edge source={quoteattr(str(e.source))} target={quoteattr(str(e.target))}>"
            f'<data key="type">{e.type.value}</data></edge>'
        )
    lines += ["  </graph>", "</graphml>"]
    return "\n".join(lines) + "\n"


@strawberry.type
class InvestigationQuery:
    @strawberry.field(description="An investigation you own, or that is shared with you.")
    async def investigation(self, info: Info, id: strawberry.ID) -> Investigation | None:
        found = await _one(info, id)
        return _shown(found) if found else None

    @strawberry.field(description="The investigations you own or that are shared with you.")
    async def investigations(self, info: Info) -> list[Investigation]:
        found = await asyncio.to_thread(info.context.base_store.investigations, None)
        return [_shown(r) for r in found if _may_read(info, r)]

    @strawberry.field(
        description="An investigation's nodes you may read and the relationships between them, "
        "as GraphML, JSON or CSV."
    )
    async def export_investigation(
        self, info: Info, id: strawberry.ID, format: ExportFormat = ExportFormat.GRAPHML
    ) -> ExportedInvestigation:
        record = await _one(info, id)
        if record is None:
            raise bad_input(f"id: {id} does not exist")
        refs = [NodeRef.parse(n) for n in record.nodes]
        base = info.context.base_store
        # Only the relationships between its nodes are wanted: nothing is read of the others.
        sub = await asyncio.to_thread(base.expand, refs, 1, (), MAX_NODES * 10, ())
        shown = await asyncio.to_thread(
            visible, info.context.store, {r: sub.nodes[r] for r in refs if r in sub.nodes}
        )
        edges = [e for e in sub.edges if e.source in shown and e.target in shown]
        nodes = [shown[r] for r in refs if r in shown]
        suffix = {"GRAPHML": "graphml", "JSON": "json", "CSV": "csv"}[format.value]
        return ExportedInvestigation(
            format=format,
            filename=f"investigation-{record.id}.{suffix}",
            content=_export(record, nodes, edges, format),
        )


@strawberry.type
class InvestigationMutation:
    @strawberry.mutation(description="Start an investigation (you own it).")
    async def create_investigation(
        self, info: Info, input: InvestigationInput
    ) -> InvestigationPayload:
        if input.title is None:
            return _refused("input.title", "required", "INVALID_INPUT")
        if problem := await _checked(info, input):
            path, _, message = problem.partition(": ")
            return _refused(path, message, "INVALID_INPUT")
        owner = info.context.actor
        blank = InvestigationRecord(id=uuid.uuid4().hex[:16], title="", owner=owner)
        return await _save(info, _merged(blank, input), 0)

    @strawberry.mutation(
        description="Change an investigation's title, nodes, notes or layout (its owner and "
        "those it is shared with) or whom it is shared with (its owner)."
    )
    async def update_investigation(
        self, info: Info, id: strawberry.ID, input: InvestigationInput, expected_version: int
    ) -> InvestigationPayload:
        record = await _one(info, id)
        if record is None:
            return _refused("id", f"{id} does not exist", "NOT_FOUND")
        if input.shared_with is not None and info.context.actor != record.owner:
            return _refused("input.sharedWith", "only its owner shares it", "FORBIDDEN")
        if problem := await _checked(info, input):
            path, _, message = problem.partition(": ")
            return _refused(path, message, "INVALID_INPUT")
        return await _save(info, _merged(record, input), expected_version)

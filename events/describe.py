"""Recorded change events → stream entries: a bulk create fans out into one entry per entity;
each entry gets the values of its change, the grids the entity is placed in and, of an
incident, its category and severity, all read for a whole batch in a few store queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from events.change import EDGE_FIELDS, Change, ChangeKind, public_values
from graph.model import EdgeType, Label
from graph.records import ChangeEvent, NodeRef

EDGE_KINDS = {
    "edge_created": ChangeKind.EDGE_CREATED,
    "edge_updated": ChangeKind.EDGE_UPDATED,
    "edge_deleted": ChangeKind.EDGE_DELETED,
}
NODE_KINDS = {
    "node_created": ChangeKind.NODE_CREATED,
    "node_updated": ChangeKind.NODE_UPDATED,
    "node_deleted": ChangeKind.NODE_DELETED,
}
RISK_ALERT = "risk_alert"
EdgeKey = tuple[EdgeType, NodeRef, NodeRef]


class ChangeSource(Protocol):
    """What describing changes reads of the store (see `graph.port.EventLog`)."""

    def values_at(
        self, wanted: Sequence[tuple[NodeRef, int]]
    ) -> dict[tuple[NodeRef, int], dict[str, Any]]: ...

    def grids_of(self, refs: Sequence[NodeRef]) -> dict[NodeRef, list[str]]: ...

    def edge_values(self, edges: Sequence[EdgeKey]) -> dict[EdgeKey, dict[str, Any]]: ...


@dataclass
class _Wants:
    """What a batch of events needs from the store."""

    versions: set[tuple[NodeRef, int]] = field(default_factory=set)
    placed: set[NodeRef] = field(default_factory=set)
    edges: set[EdgeKey] = field(default_factory=set)


@dataclass
class _Found:
    """What the store and the events themselves gave for a batch."""

    values: dict[tuple[NodeRef, int], dict[str, Any]]
    grids: dict[NodeRef, list[str]]
    edges: dict[EdgeKey, dict[str, Any]]
    carried: dict[int, dict[str, Any]]  # of a bulk create (by seq): the values it recorded
    ends: dict[int, list[tuple[NodeRef, NodeRef]]]  # of a relationship event (by seq)


def _stream_id(seq: int, index: int) -> str:
    return f"{seq}-{index}"


def describe(events: Sequence[ChangeEvent], store: ChangeSource) -> list[Change]:
    """The stream entries of `events` (in sequence order), in the same order."""
    carried = {e.seq: orjson.loads(e.entity_values) for e in events if e.entity_values}
    ends = {e.seq: _ends(e) for e in events if e.kind in EDGE_KINDS}
    wants = _Wants()
    for event in events:
        if event.kind in EDGE_KINDS:
            label = EdgeType(event.label)
            read_props = (
                bool(EDGE_FIELDS.get(label))
                and event.kind != "edge_deleted"
                and event.seq not in carried
            )
            for source, target in ends[event.seq]:
                wants.placed.add(source)
                wants.placed.add(target)
                if read_props:
                    wants.edges.add((label, source, target))
            continue
        version = event.version or 1
        for entity in event.entity_ids:
            ref = NodeRef.parse(entity)
            if event.kind == "node_deleted":
                wants.versions.add((ref, version))
                wants.placed.update(NodeRef(Label.GRID, g) for g in event.grid_ids)
                continue
            if event.seq not in carried:
                wants.versions.add((ref, version))
            wants.placed.add(ref)
            if event.kind == "node_updated":
                wants.versions.add((ref, version - 1))
    values = store.values_at(sorted(wants.versions)) if wants.versions else {}
    grids = store.grids_of(sorted(wants.placed)) if wants.placed else {}
    # An entity deleted since its change was made has no grids now: its deletion in this
    # batch recorded where it was.
    for event in events:
        if event.kind == "node_deleted":
            ref = NodeRef.parse(event.entity_ids[0])
            lineage = {g for grid in event.grid_ids for g in grids.get(_grid(grid), [])}
            grids.setdefault(ref, sorted(lineage))
    edges = store.edge_values(sorted(wants.edges)) if wants.edges else {}
    found = _Found(values, grids, edges, carried, ends)
    changes: list[Change] = []
    for event in events:
        if event.kind in EDGE_KINDS:
            changes.extend(_edge_changes(event, found))
        elif event.kind == RISK_ALERT:
            changes.extend(_risk_alerts(event, found))
        else:
            changes.extend(_node_changes(event, found))
    return changes


def _ends(event: ChangeEvent) -> list[tuple[NodeRef, NodeRef]]:
    """A relationship event's source and target pairs (a bulk create lists many)."""
    refs = [NodeRef.parse(e) for e in event.entity_ids]
    return list(zip(refs[::2], refs[1::2], strict=True))


def _edge_changes(event: ChangeEvent, found: _Found) -> list[Change]:
    """One entry per relationship; its values are its properties as its bulk create recorded
    them, or else as the relay finds them (none once it was removed)."""
    label = EdgeType(event.label)
    fields = None if event.kind == "edge_created" else event.fields
    carries_props = bool(EDGE_FIELDS.get(label))
    carried = found.carried.get(event.seq)
    grids = found.grids
    kind = EDGE_KINDS[event.kind]
    changes = []
    for index, (source, target) in enumerate(found.ends[event.seq]):
        entity_id = f"{source}->{target}"
        # A type without properties has nothing to read: its values are {} while it exists.
        if not carries_props:
            props: dict[str, Any] | None = {}
        elif carried is not None:
            props = carried.get(entity_id)
        else:
            props = found.edges.get((label, source, target))
        placed = grids.get(source, [])
        other = grids.get(target, [])
        changes.append(
            Change(
                cursor=_stream_id(event.seq, index),
                seq=event.seq,
                kind=kind,
                entity_type=event.label,
                entity_id=entity_id,
                changed_fields=list(event.fields),
                values=public_values(event.label, props, fields) if props is not None else None,
                old_values=None,
                actor=event.actor,
                source=event.source,
                at=event.at,
                source_id=str(source),
                target_id=str(target),
                grid_ids=sorted({*placed, *other}) if other and other != placed else placed,
                end_grid_ids=[placed, other],
            )
        )
    return changes


def _node_changes(event: ChangeEvent, found: _Found) -> list[Change]:
    version = event.version or 1
    deleted = event.kind == "node_deleted"
    carried = found.carried.get(event.seq)
    changes = []
    for index, entity in enumerate(event.entity_ids):
        ref = NodeRef.parse(entity)
        if carried is not None:
            now = carried.get(entity)
        else:
            now = None if deleted else found.values.get((ref, version))
        before = found.values.get((ref, version if deleted else version - 1))
        if event.kind == "node_created":
            before = None
        kind = NODE_KINDS[event.kind]
        if ref.label == Label.INCIDENT and kind == ChangeKind.NODE_UPDATED:
            kind = ChangeKind.INCIDENT_TRANSITION if "status" in event.fields else kind
        fields = None if event.kind == "node_created" else list(event.fields)
        described = (now if now is not None else before) or {}
        incident = ref.label == Label.INCIDENT
        changes.append(
            Change(
                cursor=_stream_id(event.seq, index),
                seq=event.seq,
                kind=kind,
                entity_type=event.label,
                entity_id=entity,
                changed_fields=list(event.fields),
                values=public_values(event.label, now, fields),
                old_values=public_values(event.label, before, None if deleted else fields),
                actor=event.actor,
                source=event.source,
                at=event.at,
                grid_ids=found.grids.get(ref, []),
                category=described.get("category") if incident else None,
                severity=described.get("severity") if incident else None,
            )
        )
    return changes


def _risk_alerts(event: ChangeEvent, found: _Found) -> list[Change]:
    """A saved assessment's alert: the node's score, the hazard, the threshold it crossed and
    the assessment (never the factors that weighted the score)."""
    carried = found.carried.get(event.seq) or {}
    return [
        Change(
            cursor=_stream_id(event.seq, index),
            seq=event.seq,
            kind=ChangeKind.RISK_ALERT,
            entity_type=event.label,
            entity_id=entity,
            changed_fields=list(event.fields),
            values=carried.get(entity),
            old_values=None,
            actor=event.actor,
            source=event.source,
            at=event.at,
            grid_ids=found.grids.get(NodeRef.parse(entity), []),
        )
        for index, entity in enumerate(event.entity_ids)
    ]


def _grid(grid_id: str) -> NodeRef:
    return NodeRef(Label.GRID, grid_id)

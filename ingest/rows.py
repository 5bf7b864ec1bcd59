"""Canonical rows → validated nodes and edges. One function per file kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from graph.model import (
    EDGE_SPECS,
    Building,
    Device,
    EdgeType,
    Grid,
    Household,
    Incident,
    Label,
    Node,
    Organisation,
    Petition,
    Resident,
)
from graph.store import Edge, NodeRef
from ingest.canonical import LIST_SEPARATOR

Row = dict[str, str]
Mapped = tuple[Node | None, list[Edge]]

# Id prefixes of the synthetic community, used where a relationship allows several labels.
ID_PREFIX_LABELS = {
    "R": Label.RESIDENT,
    "H": Label.HOUSEHOLD,
    "B": Label.BUILDING,
    "G": Label.GRID,
    "O": Label.ORGANISATION,
    "D": Label.DEVICE,
    "I": Label.INCIDENT,
    "P": Label.PETITION,
}


class RowError(ValueError):
    """A row that cannot be loaded; the message names the field and the reason."""


def _clean(row: Row) -> dict[str, Any]:
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in row.items()}


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]


def _node(model: type[Node], values: dict[str, Any]) -> Node:
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(map(str, first["loc"])) or first["msg"].split(":")[0]
        raise RowError(f"{field}: {first['msg']}") from None


def ref(label: Label, node_id: str) -> NodeRef:
    return NodeRef(label, node_id)


def resolve_label(edge_type: EdgeType, node_id: str, side: str) -> Label:
    """The label of an edge end: fixed by the relationship, else by the id's prefix."""
    spec = EDGE_SPECS[edge_type]
    allowed = spec.sources if side == "source" else spec.targets
    if len(allowed) == 1:
        return next(iter(allowed))
    label = ID_PREFIX_LABELS.get(node_id[:1])
    if label is None or label not in allowed:
        raise RowError(
            f"{'from_id' if side == 'source' else 'to_id'}: cannot tell the node type of "
            f"{node_id!r} for {edge_type}"
        )
    return label


def _link(
    kind: EdgeType, source: NodeRef, label: Label, target_id: str | None, **props: Any
) -> list[Edge]:
    """One edge to `label:target_id`, or none when the reference column is empty."""
    return [Edge(kind, source, NodeRef(label, target_id), props)] if target_id else []


def grid(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(Grid, {"id": v.get("grid_id"), "name": v.get("name"), "level": v.get("level")})
    return node, _link(EdgeType.PART_OF, ref(Label.GRID, node.id), Label.GRID, v.get("parent_id"))


def building(row: Row) -> Mapped:
    v = _clean(row)
    fields = (
        "name",
        "address",
        "compound",
        "floors",
        "units",
        "year_built",
        "use",
        "lat",
        "lon",
        "rental_risk_level",
    )
    node = _node(Building, {"id": v.get("building_id"), **{f: v.get(f) for f in fields}})
    own = ref(Label.BUILDING, node.id)
    return node, _link(EdgeType.IN_GRID, own, Label.GRID, v.get("grid_id"))


def household(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(Household, {"id": v.get("household_id"), "tenure": v.get("tenure")})
    own = ref(Label.HOUSEHOLD, node.id)
    return node, _link(
        EdgeType.RESIDES_IN,
        own,
        Label.BUILDING,
        v.get("building_id"),
        unit=v.get("unit"),
        room=v.get("room"),
    )


def resident(row: Row) -> Mapped:
    v = _clean(row)
    fields = ("name", "gender", "birth_date", "id_number", "phone", "residency")
    node = _node(
        Resident,
        {
            "id": v.get("resident_id"),
            **{f: v.get(f) for f in fields},
            "tags": _split(v.get("tags")),
        },
    )
    own = ref(Label.RESIDENT, node.id)
    return node, _link(
        EdgeType.MEMBER_OF,
        own,
        Label.HOUSEHOLD,
        v.get("household_id"),
        role=v.get("relation_to_head") or "other",
    )


def organisation(row: Row) -> Mapped:
    v = _clean(row)
    fields = ("name", "kind", "phone")
    node = _node(Organisation, {"id": v.get("org_id"), **{f: v.get(f) for f in fields}})
    own = ref(Label.ORGANISATION, node.id)
    return node, _link(EdgeType.LOCATED_IN, own, Label.BUILDING, v.get("building_id"))


def device(row: Row) -> Mapped:
    v = _clean(row)
    fields = ("kind", "status", "installed_at")
    node = _node(Device, {"id": v.get("device_id"), **{f: v.get(f) for f in fields}})
    own = ref(Label.DEVICE, node.id)
    edges = _link(EdgeType.INSTALLED_IN, own, Label.BUILDING, v.get("building_id"))
    for target in _split(v.get("supplies")):
        label = ID_PREFIX_LABELS.get(target[:1])
        if label == Label.DEVICE:
            edges += _link(EdgeType.FEEDS, own, Label.DEVICE, target)
        elif label == Label.BUILDING:
            edges += _link(EdgeType.SUPPLIES, own, Label.BUILDING, target)
        else:
            raise RowError(f"supplies: {target!r} is neither a building nor a device id")
    return node, edges


def incident(row: Row) -> Mapped:
    v = _clean(row)
    fields = ("category", "severity", "status", "reported_at", "description", "source")
    node = _node(Incident, {"id": v.get("incident_id"), **{f: v.get(f) for f in fields}})
    own = ref(Label.INCIDENT, node.id)
    place = _link(EdgeType.OCCURRED_AT, own, Label.BUILDING, v.get("building_id")) or _link(
        EdgeType.OCCURRED_AT, own, Label.GRID, v.get("grid_id")
    )
    return node, place + _link(EdgeType.RAISED_BY, own, Label.DEVICE, v.get("device_id"))


def petition(row: Row) -> Mapped:
    v = _clean(row)
    fields = ("text", "channel", "submitted_at")
    node = _node(Petition, {"id": v.get("petition_id"), **{f: v.get(f) for f in fields}})
    own = ref(Label.PETITION, node.id)
    return node, _link(EdgeType.SUBMITTED_BY, own, Label.RESIDENT, v.get("resident_id"))


def edge(row: Row) -> Mapped:
    v = _clean(row)
    try:
        edge_type = EdgeType((v.get("type") or "").upper())
    except ValueError:
        raise RowError(f"type: unknown relationship type {v.get('type')!r}") from None
    if not v.get("from_id") or not v.get("to_id"):
        raise RowError("from_id/to_id: both ends are required")
    props = {k: v[k] for k in ("role", "distance_m") if v.get(k) is not None}
    source = ref(resolve_label(edge_type, v.get("from_id"), "source"), v.get("from_id"))
    target = ref(resolve_label(edge_type, v.get("to_id"), "target"), v.get("to_id"))
    return None, [Edge(edge_type, source, target, props)]


MAPPERS: dict[str, Callable[[Row], Mapped]] = {
    "grids": grid,
    "buildings": building,
    "households": household,
    "residents": resident,
    "organisations": organisation,
    "devices": device,
    "incidents": incident,
    "petitions": petition,
    "edges": edge,
}

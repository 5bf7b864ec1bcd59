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


def grid(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(Grid, {"id": v["grid_id"], "name": v["name"], "level": v["level"]})
    edges = (
        [Edge(EdgeType.PART_OF, ref(Label.GRID, node.id), ref(Label.GRID, v["parent_id"]))]
        if v.get("parent_id")
        else []
    )
    return node, edges


def building(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(
        Building,
        {
            "id": v["building_id"],
            "name": v["name"],
            "address": v.get("address"),
            "compound": v.get("compound"),
            "floors": v.get("floors"),
            "units": v.get("units"),
            "year_built": v.get("year_built"),
            "use": v.get("use"),
            "lat": v.get("lat"),
            "lon": v.get("lon"),
            "rental_risk_level": v.get("rental_risk_level"),
        },
    )
    edges = (
        [Edge(EdgeType.IN_GRID, ref(Label.BUILDING, node.id), ref(Label.GRID, v["grid_id"]))]
        if v.get("grid_id")
        else []
    )
    return node, edges


def household(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(Household, {"id": v["household_id"], "tenure": v.get("tenure")})
    edges = []
    if v.get("building_id"):
        edges.append(
            Edge(
                EdgeType.RESIDES_IN,
                ref(Label.HOUSEHOLD, node.id),
                ref(Label.BUILDING, v["building_id"]),
                {"unit": v.get("unit"), "room": v.get("room")},
            )
        )
    return node, edges


def resident(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(
        Resident,
        {
            "id": v["resident_id"],
            "name": v["name"],
            "gender": v.get("gender"),
            "birth_date": v.get("birth_date"),
            "id_number": v.get("id_number"),
            "phone": v.get("phone"),
            "residency": v.get("residency"),
            "tags": _split(v.get("tags")),
        },
    )
    edges = []
    if v.get("household_id"):
        edges.append(
            Edge(
                EdgeType.MEMBER_OF,
                ref(Label.RESIDENT, node.id),
                ref(Label.HOUSEHOLD, v["household_id"]),
                {"role": v.get("relation_to_head") or "other"},
            )
        )
    return node, edges


def organisation(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(
        Organisation,
        {"id": v["org_id"], "name": v["name"], "kind": v.get("kind"), "phone": v.get("phone")},
    )
    edges = (
        [
            Edge(
                EdgeType.LOCATED_IN,
                ref(Label.ORGANISATION, node.id),
                ref(Label.BUILDING, v["building_id"]),
            )
        ]
        if v.get("building_id")
        else []
    )
    return node, edges


def device(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(
        Device,
        {
            "id": v["device_id"],
            "kind": v.get("kind"),
            "status": v.get("status"),
            "installed_at": v.get("installed_at"),
        },
    )
    own = ref(Label.DEVICE, node.id)
    edges = (
        [Edge(EdgeType.INSTALLED_IN, own, ref(Label.BUILDING, v["building_id"]))]
        if v.get("building_id")
        else []
    )
    for target in _split(v.get("supplies")):
        label = ID_PREFIX_LABELS.get(target[:1])
        if label == Label.DEVICE:
            edges.append(Edge(EdgeType.FEEDS, own, ref(Label.DEVICE, target)))
        elif label == Label.BUILDING:
            edges.append(Edge(EdgeType.SUPPLIES, own, ref(Label.BUILDING, target)))
        else:
            raise RowError(f"supplies: {target!r} is neither a building nor a device id")
    return node, edges


def incident(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(
        Incident,
        {
            "id": v["incident_id"],
            "category": v.get("category"),
            "severity": v.get("severity"),
            "status": v.get("status"),
            "reported_at": v.get("reported_at"),
            "description": v.get("description"),
            "source": v.get("source"),
        },
    )
    own = ref(Label.INCIDENT, node.id)
    edges = []
    if v.get("building_id"):
        edges.append(Edge(EdgeType.OCCURRED_AT, own, ref(Label.BUILDING, v["building_id"])))
    elif v.get("grid_id"):
        edges.append(Edge(EdgeType.OCCURRED_AT, own, ref(Label.GRID, v["grid_id"])))
    if v.get("device_id"):
        edges.append(Edge(EdgeType.RAISED_BY, own, ref(Label.DEVICE, v["device_id"])))
    return node, edges


def petition(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(
        Petition,
        {
            "id": v["petition_id"],
            "text": v.get("text"),
            "channel": v.get("channel"),
            "submitted_at": v.get("submitted_at"),
        },
    )
    edges = (
        [
            Edge(
                EdgeType.SUBMITTED_BY,
                ref(Label.PETITION, node.id),
                ref(Label.RESIDENT, v["resident_id"]),
            )
        ]
        if v.get("resident_id")
        else []
    )
    return node, edges


def edge(row: Row) -> Mapped:
    v = _clean(row)
    try:
        edge_type = EdgeType((v.get("type") or "").upper())
    except ValueError:
        raise RowError(f"type: unknown relationship type {v.get('type')!r}") from None
    if not v.get("from_id") or not v.get("to_id"):
        raise RowError("from_id/to_id: both ends are required")
    props = {k: v[k] for k in ("role", "distance_m") if v.get(k) is not None}
    source = ref(resolve_label(edge_type, v["from_id"], "source"), v["from_id"])
    target = ref(resolve_label(edge_type, v["to_id"], "target"), v["to_id"])
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

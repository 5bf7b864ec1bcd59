"""Canonical rows → validated nodes and edges. One function per file kind."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
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
from graph.model.fields import ValueKind, field_specs
from graph.records import Edge, NodeRef
from ingest.errors import RowError
from ingest.mapping.canonical import LIST_SEPARATOR

Row = dict[str, Any]  # a canonical row: column → converted value, or None when empty
Mapped = tuple[list[Node], list[Edge]]  # the row's own node first, then nodes it implies

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


def _clean(row: Row) -> dict[str, Any]:
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in row.items()}


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]


def _node(model: type[Node], node_id: str, v: dict[str, Any]) -> Node:
    """The row's node: its id and the values of the model's ingested fields (a list field
    from its `;`-separated cell)."""
    values: dict[str, Any] = {"id": node_id}
    for spec in field_specs(model.label):
        if spec.meta.ingest and v.get(spec.name) is not None:
            given = v[spec.name]
            values[spec.name] = _split(given) if spec.kind == ValueKind.ENUM_LIST else given
    try:
        return model.model_validate({k: val for k, val in values.items() if val != []})
    except ValidationError as exc:
        raise RowError(*_problems(model, values, exc)) from None


def _problems(model: type[Node], values: dict[str, Any], exc: ValidationError) -> list[str]:
    """Every field the row got wrong, one reason each (a fixed row then loads at once)."""
    problems: dict[str, str] = {}
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        if not error["loc"]:  # a check of several fields: "a: why; b: why"
            for part in message.split("; "):
                problems.setdefault(part.partition(":")[0], part)
            continue
        field = str(error["loc"][0])
        value = values.get(field)
        # A resident's values are personal data: the reason names the field, never the value.
        shown = "" if model.label == Label.RESIDENT or value is None else f" (got {value!r})"
        problems.setdefault(field, f"{field}: {message}{shown}")
    return list(problems.values())


def natural_id(prefix: str, *parts: Any) -> str:
    """A stable id for a row without one, from its natural key (same key, same id)."""
    text = "\x1f".join(str(p) for p in parts)
    return f"{prefix}-{hashlib.blake2b(text.encode(), digest_size=8).hexdigest()}"


def _key_or_natural(
    v: dict[str, Any], id_column: str, prefix: str, *natural: str, required: str = ""
) -> str:
    if v.get(id_column):
        return str(v[id_column])
    if natural and all(v.get(n) for n in natural):
        return natural_id(prefix, *(v[n] for n in natural))
    if not natural:
        raise RowError(f"{id_column}: missing (required)")
    raise RowError(f"{id_column}: missing, and no {required or ' + '.join(natural)} to key the row")


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
    if not target_id:
        return []
    return [Edge(kind, source, NodeRef(label, target_id), edge_props(kind, props))]


# Source columns of relationship properties where the two names differ.
PROP_COLUMNS = {(EdgeType.MEMBER_OF, "role"): "relation_to_head"}


def edge_props(kind: EdgeType, props: dict[str, Any]) -> dict[str, Any]:
    """Validated relationship properties; a bad one is the row's fault, named by its column."""
    given = {k: v for k, v in props.items() if v is not None}
    try:
        # Rows repeat a few values (a member's role): each combination is validated once.
        return dict(_validated_props(kind, tuple(given.items())))
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "properties"
        column = PROP_COLUMNS.get((kind, name), name)
        raise RowError(f"{column}: {first['msg']} (got {given.get(name)!r})") from None


@lru_cache(maxsize=4096)
def _validated_props(kind: EdgeType, given: tuple[tuple[str, Any], ...]) -> tuple[Any, ...]:
    return tuple(EDGE_SPECS[kind].validate_props(dict(given)).items())


def grid(row: Row) -> Mapped:
    v = _clean(row)
    node_id = _key_or_natural(v, "grid_id", "G", "name")
    node = _node(Grid, node_id, v)
    return [node], _link(EdgeType.PART_OF, ref(Label.GRID, node.id), Label.GRID, v.get("parent_id"))


def building(row: Row) -> Mapped:
    v = _clean(row)
    if v.get("building_id") or v.get("address"):
        node_id = _key_or_natural(v, "building_id", "B", "address")
    else:
        node_id = _key_or_natural(v, "building_id", "B", "compound", "name")
    node = _node(Building, node_id, v)
    own = ref(Label.BUILDING, node.id)
    return [node], _link(EdgeType.IN_GRID, own, Label.GRID, v.get("grid_id"))


def household(row: Row) -> Mapped:
    v = _clean(row)
    node_id = _key_or_natural(v, "household_id", "H", "building_id", "room")
    if not v.get("household_id") and v.get("unit"):
        node_id = natural_id("H", v["building_id"], v["unit"], v["room"])
    node = _node(Household, node_id, v)
    own = ref(Label.HOUSEHOLD, node.id)
    return [node], _link(
        EdgeType.RESIDES_IN,
        own,
        Label.BUILDING,
        v.get("building_id"),
        unit=v.get("unit"),
        room=v.get("room"),
    )


def resident(row: Row) -> Mapped:
    v = _clean(row)
    number = (v.get("id_number") or "").upper() or None
    if number:
        v["id_number"] = number
        v.setdefault("birth_date", None)
        if v["birth_date"] is None and len(number) == 18:  # the model reads the gender itself
            v["birth_date"] = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    if v.get("resident_id"):
        node_id = v["resident_id"]
    elif number:
        node_id = natural_id("R", number)
    elif v.get("name") and v.get("birth_date") and v.get("phone"):
        node_id = natural_id("R", v["name"], v["birth_date"], v["phone"])
    else:
        raise RowError(
            "resident_id: missing, and no ID number or name + birth date + phone to key the row"
        )
    role = v.get("relation_to_head") or "other"
    try:
        node = _node(Resident, node_id, v)
    except RowError as exc:
        raise RowError(*exc.problems, *_role_problems(role)) from None
    own = ref(Label.RESIDENT, node.id)
    nodes: list[Node] = [node]
    edges: list[Edge] = []
    household_id = v.get("household_id")
    if not household_id and v.get("building_id") and v.get("room"):
        # A population export without 户号: the dwelling (building, unit, room) is the household.
        homes, edges = household({k: v.get(k) for k in ("building_id", "unit", "room")})
        nodes += homes
        household_id = homes[0].id
    elif not household_id and (v.get("building_id") or v.get("unit") or v.get("room")):
        raise RowError("room: missing; a household is keyed by building + room when 户号 is absent")
    return nodes, edges + _link(
        EdgeType.MEMBER_OF,
        own,
        Label.HOUSEHOLD,
        household_id,
        role=role,
    )


def _role_problems(role: str) -> list[str]:
    """The problem with a member's role, if any (reported beside the resident's own)."""
    try:
        edge_props(EdgeType.MEMBER_OF, {"role": role})
    except RowError as exc:
        return exc.problems
    return []


def organisation(row: Row) -> Mapped:
    v = _clean(row)
    node_id = _key_or_natural(v, "org_id", "O", "name")
    node = _node(Organisation, node_id, v)
    own = ref(Label.ORGANISATION, node.id)
    return [node], _link(EdgeType.LOCATED_IN, own, Label.BUILDING, v.get("building_id"))


def device(row: Row) -> Mapped:
    v = _clean(row)
    node_id = _key_or_natural(v, "device_id", "D")
    node = _node(Device, node_id, v)
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
    return [node], edges


def incident(row: Row) -> Mapped:
    v = _clean(row)
    node_id = _key_or_natural(v, "incident_id", "I", "reported_at", "description")
    node = _node(Incident, node_id, v)
    own = ref(Label.INCIDENT, node.id)
    place = _link(EdgeType.OCCURRED_AT, own, Label.BUILDING, v.get("building_id")) or _link(
        EdgeType.OCCURRED_AT, own, Label.GRID, v.get("grid_id")
    )
    return [node], place + _link(EdgeType.RAISED_BY, own, Label.DEVICE, v.get("device_id"))


# What a petition export may say of each petition beyond its time and text.
PETITION_DETAILS = ("title", "channel", "nature", "source_category", "reply")


def petition(row: Row) -> Mapped:
    v = _clean(row)
    node = _node(Petition, _petition_id(v), v)
    own = ref(Label.PETITION, node.id)
    return [node], _link(EdgeType.SUBMITTED_BY, own, Label.RESIDENT, v.get("resident_id"))


def _petition_id(v: dict[str, Any]) -> str:
    """The ticket id (工单编号) when the export has one. Else a petition is what it says: its
    time and text (its title and text when there is no time) and every detail given, so two
    rows differing in any of them (a channel, a reply) are two petitions, and reloading a
    file that holds both changes nothing."""
    if v.get("petition_id"):
        return str(v["petition_id"])
    if not v.get("text"):
        raise RowError("petition_id: missing, and no text to key the row")
    details: tuple[str, ...] = PETITION_DETAILS
    if v.get("submitted_at"):
        base = (v["submitted_at"], v["text"])
    else:
        base, details = (v.get("title") or "", v["text"]), PETITION_DETAILS[1:]
    return natural_id("P", *base, *(f"{f}={v[f]}" for f in details if v.get(f)))


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
    return [], [Edge(edge_type, source, target, edge_props(edge_type, props))]


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

"""The atoms of the pairwise filter test: one condition per filter field, with the Python
predicate that says which stored nodes meet it, drawn from a scan of the stored graph."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import statistics
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from fastapi.testclient import TestClient

from api.nodes.filter_inputs import FILTER_INPUTS, RELATIONAL_BY_LABEL, THROUGH, years_before
from graph.model import NODE_MODELS, EdgeType, Label

ROOTS = {
    Label.RESIDENT: ("residents", FILTER_INPUTS[Label.RESIDENT]),
    Label.HOUSEHOLD: ("households", FILTER_INPUTS[Label.HOUSEHOLD]),
    Label.BUILDING: ("buildings", FILTER_INPUTS[Label.BUILDING]),
    Label.GRID: ("grids", FILTER_INPUTS[Label.GRID]),
    Label.ORGANISATION: ("organisations", FILTER_INPUTS[Label.ORGANISATION]),
    Label.DEVICE: ("devices", FILTER_INPUTS[Label.DEVICE]),
    Label.INCIDENT: ("incidents", FILTER_INPUTS[Label.INCIDENT]),
    Label.PETITION: ("petitions", FILTER_INPUTS[Label.PETITION]),
}
OPEN = {"reported", "accepted", "registered", "dispatched", "handled", "verified", "on_hold"}
OPEN |= {"supervised"}
Predicate = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Atom:
    text: str  # the filter input's fields, e.g. `gender: {eq: FEMALE}`
    test: Predicate


@dataclass
class Scan:
    """The stored graph, read back plainly: nodes by label, relationships by type."""

    nodes: dict[Label, dict[str, dict[str, Any]]]
    edges: dict[EdgeType, list[tuple[str, str]]]

    def targets(self, ids: set[str], path: tuple[EdgeType, ...]) -> set[str]:
        for edge_type in path:
            ids = {b for a, b in self.edges[edge_type] if a in ids}
        return ids

    def with_ancestors(self, grid_ids: set[str], hops: int) -> set[str]:
        found, frontier = set(grid_ids), set(grid_ids)
        for _ in range(hops):
            frontier = {b for a, b in self.edges[EdgeType.PART_OF] if a in frontier}
            found |= frontier
        return found


def scan_of(client: TestClient) -> Scan:
    store = client.app.state.opened.store  # type: ignore[attr-defined]
    nodes = {
        label: {
            row["n"]["id"]: dict(row["n"])
            for row in store.session.read(f"MATCH (n:{label.value}) RETURN n AS n")
        }
        for label in Label
    }
    edges = {
        t: [
            (r["a"], r["b"])
            for r in store.session.read(f"MATCH (a)-[:{t.value}]->(b) RETURN a.id AS a, b.id AS b")
        ]
        for t in EdgeType
    }
    return Scan(nodes, edges)


def literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def enum_of(label: Label, field: str) -> type[Enum]:
    annotation = NODE_MODELS[label].model_fields[field].annotation
    for arg in (annotation, *typing.get_args(annotation)):
        for inner in (arg, *typing.get_args(arg)):
            if isinstance(inner, type) and issubclass(inner, Enum):
                return inner
    raise AssertionError(f"{label}.{field} is not an enumeration")


def enum_name(label: Label, field: str, value: str) -> str:
    return enum_of(label, field)(value).name


def has(field: str, op: str, value: Any) -> Predicate:
    def test(props: dict[str, Any]) -> bool:
        stored = props.get(field)
        if op == "is_null":
            return stored is None
        if stored is None:
            return False
        return {
            "eq": lambda: stored == value,
            "in": lambda: stored in value,
            "contains": lambda: value in stored,
            "starts_with": lambda: stored.startswith(value),
            "ends_with": lambda: stored.endswith(value),
            "lt": lambda: stored < value,
            "gte": lambda: stored >= value,
        }[op]()

    return test


def field_atoms(label: Label, field: str, kind: str, values: list[Any]) -> Iterator[Atom]:
    """Atoms for one scalar field, with operands drawn from the stored values."""
    gql = "".join(p.title() if i else p for i, p in enumerate(field.split("_")))
    present = sorted({v for v in values if v is not None})
    if not present and kind == "enum":
        present = [member.value for member in enum_of(label, field)][:2]
    elif not present:  # a field nothing holds: present or absent is all there is to ask
        yield Atom(f"{gql}: {{isNull: true}}", has(field, "is_null", True))
        yield Atom(f"{gql}: {{isNull: false}}", lambda p: p.get(field) is not None)
        return
    sample = present[len(present) // 2]
    if kind == "id":
        yield Atom(f'id: {{eq: "{label.value}:{sample}"}}', has("id", "eq", sample))
        picked = present[:: max(1, len(present) // 3)][:3]
        yield Atom(f"id: {{in: {literal(picked)}}}", has("id", "in", picked))
    elif kind == "string":
        yield Atom(f"{gql}: {{eq: {literal(sample)}}}", has(field, "eq", sample))
        part = sample[1:3] or sample
        yield Atom(f"{gql}: {{contains: {literal(part)}}}", has(field, "contains", part))
        yield Atom(
            f"{gql}: {{startsWith: {literal(sample[:1])}}}", has(field, "starts_with", sample[:1])
        )
        yield Atom(
            f"{gql}: {{endsWith: {literal(sample[-2:])}}}", has(field, "ends_with", sample[-2:])
        )
        yield Atom(f"{gql}: {{isNull: true}}", has(field, "is_null", True))
    elif kind == "enum":
        names = [enum_name(label, field, v) for v in present]
        yield Atom(f"{gql}: {{eq: {names[0]}}}", has(field, "eq", present[0]))
        some = present[1::2] or present
        yield Atom(
            f"{gql}: {{in: [{', '.join(enum_name(label, field, v) for v in some)}]}}",
            has(field, "in", some),
        )
    elif kind == "bool":
        for value in (True, False):
            yield Atom(f"{gql}: {{eq: {str(value).lower()}}}", has(field, "eq", value))
        yield Atom(f"{gql}: {{isNull: true}}", has(field, "is_null", True))
    elif kind in ("int", "date", "datetime"):
        middle = statistics.median_low(present)
        operand = middle if kind == "int" else literal(middle)
        yield Atom(f"{gql}: {{gte: {operand}}}", has(field, "gte", middle))
        yield Atom(f"{gql}: {{lt: {operand}}}", has(field, "lt", middle))
        yield Atom(f"{gql}: {{isNull: true}}", has(field, "is_null", True))


KINDS = {
    "IDFilter": "id",
    "StringFilter": "string",
    "IntFilter": "int",
    "BooleanFilter": "bool",
    "DateFilter": "date",
    "DateTimeFilter": "datetime",
}


def atoms_of(label: Label, scan: Scan, through: bool = True) -> list[Atom]:
    """One or more atoms for every field of the label's filter input (`through`: with the
    conditions on related nodes' fields)."""
    nodes = scan.nodes[label]
    _, filter_type = ROOTS[label]
    atoms: list[Atom] = []
    for item in dataclasses.fields(filter_type):
        name = item.name
        if name in ("and_", "or_", "not_"):
            continue
        type_name = str(item.type)
        if name in RELATIONAL_BY_LABEL.get(label, {}):
            path, target, hops = RELATIONAL_BY_LABEL[label][name]
            atoms.extend(relational_atoms(label, name, path, target, hops, scan))
        elif name in THROUGH.get(label, {}):
            if through:
                atoms.extend(through_atoms(label, name, scan))
        elif name == "lives_alone":
            atoms.extend(lives_alone_atoms(scan))
        elif name == "near":
            atoms.extend(near_atoms(nodes))
        elif name in SPECIAL:
            atoms.extend(SPECIAL[name]())
        else:
            kind = next((k for t, k in KINDS.items() if t in type_name), "enum")
            values = [props.get(name) for props in nodes.values()]
            atoms.extend(field_atoms(label, name, kind, values))
    return atoms


def through_atoms(label: Label, name: str, scan: Scan) -> Iterator[Atom]:
    """Conditions on the related node's fields: two of its own atoms, and `{}` (has one)."""
    path, target = THROUGH[label][name]
    related = scan.nodes[target]
    # Only nodes of the target label count (an incident occurs at a building or at a grid).
    reach = {n: scan.targets({n}, path) & related.keys() for n in scan.nodes[label]}
    gql = "".join(p.title() if i else p for i, p in enumerate(name.split("_")))
    for atom in atoms_of(target, scan, through=False)[1:3]:
        yield Atom(
            f"{gql}: {{{atom.text}}}",
            lambda p, atom=atom: any(atom.test(related[t]) for t in reach.get(p["id"], ())),
        )
    yield Atom(f"{gql}: {{}}", lambda p: bool(reach.get(p["id"])))


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    (lat1, lon1), (lat2, lon2) = (tuple(math.radians(x) for x in p) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def near_atoms(nodes: dict[str, dict[str, Any]]) -> Iterator[Atom]:
    """Circles around two buildings that take in about half of the others: each radius lies
    halfway between two neighbours' distances, so no building sits on the edge."""
    placed = {i: (p["lat"], p["lon"]) for i, p in nodes.items() if p.get("lat") is not None}
    assert len(placed) >= 3, "the demo's buildings have coordinates"
    for centre in sorted(placed)[:2]:
        point = placed[centre]
        distances = sorted(metres_between(point, other) for other in placed.values())
        k = len(distances) // 2
        radius = (distances[k - 1] + distances[k]) / 2 or 1.0

        def within(
            p: dict[str, Any], point: tuple[float, float] = point, r: float = radius
        ) -> bool:
            return p.get("lat") is not None and metres_between(point, (p["lat"], p["lon"])) <= r

        yield Atom(f"near: {{lat: {point[0]}, lon: {point[1]}, radiusM: {radius}}}", within)


def has_all_pair(props: dict[str, Any]) -> bool:
    return {"elderly_living_alone", "incapacitated_elderly"} <= set(props["tags"])


def overdue_atoms() -> list[Atom]:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def overdue(p: dict[str, Any]) -> bool:
        return bool(p.get("deadline_at")) and p["deadline_at"] < now and p["status"] in OPEN

    return [Atom("overdue: true", overdue), Atom("overdue: false", lambda p: not overdue(p))]


def age_atoms() -> list[Atom]:
    today = date.today()
    oldest_minor = years_before(today, 18).isoformat()
    senior = years_before(today, 60).isoformat()
    return [
        Atom("age: {min: 60}", lambda p: p["birth_date"] <= senior),
        Atom("age: {max: 17}", lambda p: p["birth_date"] > oldest_minor),
    ]


def tag_atoms() -> list[Atom]:
    def tags(p: dict[str, Any]) -> set[str]:
        return set(p.get("tags") or [])

    return [
        Atom(
            "tags: {hasAny: [ELDERLY_LIVING_ALONE, LOW_INCOME]}",
            lambda p: bool({"elderly_living_alone", "low_income"} & tags(p)),
        ),
        Atom(
            "tags: {hasAll: [ELDERLY_LIVING_ALONE, INCAPACITATED_ELDERLY]}",
            lambda p: {"elderly_living_alone", "incapacitated_elderly"} <= tags(p),
        ),
    ]


SPECIAL: dict[str, Callable[[], list[Atom]]] = {
    "overdue": overdue_atoms,
    "age": age_atoms,
    "tags": tag_atoms,
}


def relational_atoms(
    label: Label, name: str, path: tuple[EdgeType, ...], target: Label, hops: int, scan: Scan
) -> Iterator[Atom]:
    """A relationship filter on a target that matches some nodes (a grid with grids below it,
    where the filter counts those)."""
    reach = {
        node_id: scan.with_ancestors(scan.targets({node_id}, path), hops)
        if target == Label.GRID
        else scan.targets({node_id}, path)
        for node_id in scan.nodes[label]
    }
    counts: dict[str, int] = {}
    for found in reach.values():
        for target_id in found:
            counts[target_id] = counts.get(target_id, 0) + 1
    if not counts:
        return
    if target == Label.GRID:
        parents = {b for _, b in scan.edges[EdgeType.PART_OF]}
        chosen = sorted(counts, key=lambda t: (t not in parents, -counts[t], t))[0]
    else:
        chosen = sorted(counts, key=lambda t: (-counts[t], t))[0]
    least = sorted(scan.nodes[target], key=lambda t: (counts.get(t, 0), t))[0]
    gql = "".join(p.title() if i else p for i, p in enumerate(name.split("_")))
    for picked in dict.fromkeys((chosen, least)):
        yield Atom(
            f'{gql}: "{target.value}:{picked}"',
            lambda p, picked=picked: picked in reach.get(p["id"], set()),
        )


def lives_alone_atoms(scan: Scan) -> Iterator[Atom]:
    members: dict[str, list[str]] = {}
    household_of: dict[str, str] = {}
    for resident, household in scan.edges[EdgeType.MEMBER_OF]:
        members.setdefault(household, []).append(resident)
        household_of[resident] = household

    def alone(p: dict[str, Any]) -> bool:
        household = household_of.get(p["id"])
        return household is not None and members[household] == [p["id"]]

    yield Atom("livesAlone: true", alone)
    yield Atom("livesAlone: false", lambda p: not alone(p))


def combinations(atoms: list[Atom]) -> Iterator[tuple[str, Predicate]]:
    for a, b in itertools.combinations(atoms, 2):
        yield f"{{{a.text}, AND: [{{{b.text}}}]}}", lambda p, a=a, b=b: a.test(p) and b.test(p)
        yield f"{{OR: [{{{a.text}}}, {{{b.text}}}]}}", lambda p, a=a, b=b: a.test(p) or b.test(p)
        yield (
            f"{{{a.text}, NOT: {{{b.text}}}}}",
            lambda p, a=a, b=b: a.test(p) and not b.test(p),
        )

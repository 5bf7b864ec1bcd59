"""A small community in two grids for the row-scope tests: district D ⊃ community C ⊃ grids
GA and GB. Building BA (grid GA, managed by property company OP) and BB (grid GB, managed by
OQ) stand next to each other; each has a household (HA, HB) of two residents, a device, an
incident, an organisation located in it, and a petition by its first resident; a few
relationships cross from A to B. Every name is unique so that a search finds one node. Also:
the callers of the row-scope tests, each with every id it reaches, and how they ask."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.auth.principal import Role
from graph.model import (
    Building,
    Device,
    Grid,
    Household,
    Incident,
    Node,
    Organisation,
    Petition,
    Resident,
)
from graph.port import GraphStore
from tests.auth import acting_as
from tests.factories import PROV, edge, id_number

PHONES = {"RA1": "13800000001", "RA2": "13800000002", "RB1": "13900000001", "RB2": "13900000002"}


def _resident(key: str, name: str, serial: int) -> Resident:
    values: dict[str, Any] = {
        "id": key,
        "name": name,
        "gender": "female",
        "birth_date": "1941-03-02",
        "id_number": id_number("19410302", male=False, serial=serial),
        "phone": PHONES[key],
        "tags": ["elderly_living_alone", "disabled"],
    }
    return Resident.model_validate(values)


def _side(side: str, serial: int) -> list[Node]:
    """Building, household, residents, device, incident, organisations, petition of a side."""
    return [
        Building.model_validate(
            {"id": f"B{side}", "name": f"{side}栋楼", "lat": 29.87, "lon": 121.55, "floors": 6}
        ),
        Household(id=f"H{side}"),
        _resident(f"R{side}1", f"甲{side}", serial),
        _resident(f"R{side}2", f"乙{side}", serial + 1),
        Device.model_validate({"id": f"D{side}", "kind": "smoke_alarm"}),
        Incident.model_validate(
            {
                "id": f"I{side}",
                "category": "fire",
                "reported_at": "2026-11-01T08:00:00Z",
                "description": f"{side}座走廊起火",
            }
        ),
        Organisation.model_validate(
            {"id": f"O{side}", "name": f"{side}栋便利店", "kind": "merchant"}
        ),
        Petition.model_validate(
            {
                "id": f"P{side}",
                "text": f"{side}栋电梯坏了三天",
                "submitted_at": "2026-11-02T09:00:00Z",
            }
        ),
    ]


def build(store: GraphStore) -> None:
    nodes: list[Node] = [
        Grid(id="D", name="区", level="district"),
        Grid(id="C", name="社区", level="community"),
        Grid(id="GA", name="甲网格", level="grid"),
        Grid(id="GB", name="乙网格", level="grid"),
        Organisation.model_validate({"id": "OP", "name": "甲物业", "kind": "property_management"}),
        Organisation.model_validate({"id": "OQ", "name": "乙物业", "kind": "property_management"}),
        *_side("A", 1),
        *_side("B", 5),
    ]
    store.upsert_nodes(nodes, PROV)
    edges = [
        edge("PART_OF", "Grid:C", "Grid:D"),
        edge("PART_OF", "Grid:GA", "Grid:C"),
        edge("PART_OF", "Grid:GB", "Grid:C"),
        edge("MANAGES", "Organisation:OP", "Building:BA"),
        edge("MANAGES", "Organisation:OQ", "Building:BB"),
        edge("ADJACENT_TO", "Building:BA", "Building:BB", distance_m=30.0),
    ]
    for side, manager in (("A", "OP"), ("B", "OQ")):
        del manager
        edges += [
            edge("IN_GRID", f"Building:B{side}", f"Grid:G{side}"),
            edge("RESIDES_IN", f"Household:H{side}", f"Building:B{side}"),
            edge("MEMBER_OF", f"Resident:R{side}1", f"Household:H{side}", role="head"),
            edge("MEMBER_OF", f"Resident:R{side}2", f"Household:H{side}", role="spouse"),
            edge("INSTALLED_IN", f"Device:D{side}", f"Building:B{side}"),
            edge("OCCURRED_AT", f"Incident:I{side}", f"Building:B{side}"),
            edge("LOCATED_IN", f"Organisation:O{side}", f"Building:B{side}"),
            edge("SUBMITTED_BY", f"Petition:P{side}", f"Resident:R{side}1"),
            edge("REPORTS", f"Petition:P{side}", f"Incident:I{side}"),
            edge("INVOLVES", f"Incident:I{side}", f"Resident:R{side}1"),
        ]
    # Across the line: A's first resident is the emergency contact of B's first, and A's shop
    # also manages B's building.
    edges.append(edge("EMERGENCY_CONTACT_OF", "Resident:RA1", "Resident:RB1"))
    edges.append(edge("MANAGES", "Organisation:OA", "Building:BB"))
    store.upsert_edges(edges, PROV)


EVERY_ID = [
    *("Grid:D", "Grid:C", "Grid:GA", "Grid:GB"),
    *("Organisation:OP", "Organisation:OQ"),
    *(
        f"{label}:{key}{side}"
        for side in "AB"
        for label, key in (
            ("Building", "B"),
            ("Household", "H"),
            ("Device", "D"),
            ("Incident", "I"),
            ("Organisation", "O"),
            ("Petition", "P"),
        )
    ),
    *(f"Resident:R{side}{n}" for side in "AB" for n in (1, 2)),
]


def side(letter: str) -> set[str]:
    """What lies in grid G<letter>: its building and everything placed there."""
    return {
        f"Grid:G{letter}",
        f"Building:B{letter}",
        f"Household:H{letter}",
        f"Resident:R{letter}1",
        f"Resident:R{letter}2",
        f"Device:D{letter}",
        f"Incident:I{letter}",
        f"Organisation:O{letter}",
        f"Petition:P{letter}",
    }


# Each caller and every id it reaches (claims as `civicgraph auth token` takes them).
CALLERS: dict[str, tuple[Role, dict[str, Any], set[str]]] = {
    "grid worker of GA": (Role.GRID_WORKER, {"grids": ["GA"]}, side("A")),
    "grid worker of C": (
        Role.GRID_WORKER,
        {"grids": ["C"]},
        side("A") | side("B") | {"Grid:C"},
    ),
    "grid worker of GB": (Role.GRID_WORKER, {"grids": ["GB"]}, side("B")),
    "integrator given GB": (Role.INTEGRATOR, {"grids": ["GB"]}, side("B")),
    "property company OP": (
        Role.PROPERTY_COMPANY,
        {"org": "OP"},
        {
            "Organisation:OP",
            "Building:BA",
            "Household:HA",
            "Resident:RA1",
            "Resident:RA2",
            "Device:DA",
            "Incident:IA",
        },
    ),
    "resident of HA": (
        Role.RESIDENT,
        {"household": "HA"},
        {"Household:HA", "Resident:RA1", "Resident:RA2", "Petition:PA"},
    ),
    "grid worker without grids": (Role.GRID_WORKER, {}, set()),
    "admin": (Role.ADMIN, {}, set(EVERY_ID)),
}


def ask(
    client: TestClient, caller: str, query: str, headers: dict[str, str] | None = None, **v: Any
) -> dict[str, Any]:
    role, claims, _ = CALLERS[caller]
    sent = {**acting_as(client, f"test-{role}", role, **claims), **(headers or {})}
    response = client.post("/graphql", json={"query": query, "variables": v}, headers=sent)
    assert response.status_code == 200, response.text
    return response.json()


def answer(client: TestClient, caller: str, query: str, **v: Any) -> dict[str, Any]:
    result = ask(client, caller, query, **v)
    assert "errors" not in result, result["errors"]
    return result["data"]

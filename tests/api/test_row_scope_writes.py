"""Writes within row scopes on both engines: writes outside a caller's rows are refused with
nothing written, new rows are placed inside them, nodes placed nowhere cannot be taken over,
and an integrator given grids raises alerts only for its own devices."""

from __future__ import annotations

from typing import Any

import pytest

from civicgraph.settings import Settings
from graph.model import EdgeType, Label
from graph.records import Direction, NodeRef
from tests.api import scoped_world
from tests.api.scoped_world import CALLERS, EVERY_ID, answer, ask
from tests.auth import acting_as, api_client

WRITES: list[tuple[str, str, dict[str, Any], str | None]] = [
    # caller, operation, variables, the error code (None: it succeeds)
    (
        "grid worker of GA",
        'mutation { upsertResident(input: {id: "RB2", name: "改名", gender: FEMALE, '
        'birthDate: "1941-03-02"}) { errors { code } } }',
        {},
        "FORBIDDEN",
    ),
    (
        "grid worker of GA",
        'mutation { deleteNode(id: "Resident:RB2") { errors { code } } }',
        {},
        "NOT_FOUND",
    ),
    (
        "grid worker of GA",
        'mutation { dispatchIncident(id: "Incident:IB", assignee: "Organisation:OA") '
        "{ errors { code } } }",
        {},
        "NOT_FOUND",
    ),
    (
        "grid worker of GA",
        'mutation { reportIncident(input: {place: "Building:BB", category: FIRE}) '
        "{ errors { code } } }",
        {},
        "UNKNOWN_REFERENCE",
    ),
    (
        "grid worker of GA",
        'mutation { link(type: MEMBER_OF, from: "Resident:RB2", to: "Household:HA", '
        'properties: {role: "tenant"}) { errors { code } } }',
        {},
        "FORBIDDEN",
    ),
    (
        "grid worker of GA",
        'mutation { reportIncident(input: {place: "Building:BA", category: FIRE}) '
        "{ errors { code } } }",
        {},
        None,
    ),
    (
        "property company OP",
        'mutation { upsertHousehold(input: {id: "HX"}) { errors { code } } }',
        {},
        "FORBIDDEN",
    ),
    (
        "resident of HA",
        'mutation { link(type: SUBMITTED_BY, from: "Petition:PB", to: "Resident:RA1") '
        "{ errors { code } } }",
        {},
        "FORBIDDEN",
    ),
]


def _code(result: dict[str, Any]) -> str | None:
    if result.get("errors"):
        return str(result["errors"][0]["extensions"]["code"])
    payload = next(iter(result["data"].values()))
    return payload["errors"][0]["code"] if payload["errors"] else None


@pytest.mark.parametrize("write", range(len(WRITES)))
def test_writes_outside_the_scope_are_refused_and_change_nothing(
    engine_settings: Settings, write: int
) -> None:
    caller, operation, variables, code = WRITES[write]
    with api_client(engine_settings) as client:
        store = client.app.state.opened.store  # type: ignore[attr-defined]
        scoped_world.build(store)
        before = store.count_nodes(), store.get_nodes([NodeRef.parse(i) for i in EVERY_ID])
        assert _code(ask(client, caller, operation, **variables)) == code
        after = store.count_nodes(), store.get_nodes([NodeRef.parse(i) for i in EVERY_ID])
        if code is not None:
            assert after == before
        edges = store.related(
            [NodeRef.parse("Household:HA")], EdgeType.MEMBER_OF, Direction.IN, Label.RESIDENT
        )
        assert {item.node.id for item in edges[NodeRef.parse("Household:HA")].items} == {
            "RA1",
            "RA2",
        }


def test_new_rows_are_placed_inside_the_scope(engine_settings: Settings) -> None:
    """A grid worker records a new household in its building; a resident submits a petition
    and signs it as a member of their own household."""
    with api_client(engine_settings) as client:
        scoped_world.build(client.app.state.opened.store)  # type: ignore[attr-defined]
        steps = [
            ("grid worker of GA", 'mutation { upsertHousehold(input: {id: "HN"}) '),
            ("grid worker of GA", 'mutation { upsertHousehold(input: {id: "HN", floor: 3}) '),
            (
                "grid worker of GA",
                'mutation { link(type: RESIDES_IN, from: "Household:HN", to: "Building:BA") ',
            ),
            (
                "resident of HA",
                'mutation { upsertPetition(input: {id: "PN", text: "楼下噪音扰民", '
                'submittedAt: "2026-11-20T08:00:00Z"}) ',
            ),
            (
                "resident of HA",
                'mutation { link(type: SUBMITTED_BY, from: "Petition:PN", to: "Resident:RA2") ',
            ),
        ]
        for caller, head in steps:
            assert _code(ask(client, caller, head + "{ errors { code } } }")) is None, head
        assert answer(client, "grid worker of GA", '{ node(id: "Household:HN") { id } }')["node"]
        mine = answer(client, "resident of HA", "{ petitions(first: 5) { totalCount } }")
        assert mine["petitions"]["totalCount"] == 2
        # Once placed, a node is no longer loose: another grid's worker cannot take it.
        moved = ask(
            client,
            "grid worker of GB",
            'mutation { link(type: RESIDES_IN, from: "Household:HN", to: "Building:BB") '
            "{ errors { code } } }",
        )
        assert _code(moved) == "FORBIDDEN"
        # Nor can anyone take over a node placed nowhere that someone else wrote: a resident
        # the admin recorded without a household stays out of a household's reach.
        loose = (
            'mutation { upsertResident(input: {id: "RX", name: "丙", gender: MALE, '
            'birthDate: "1950-01-01"}) { errors { code } } }'
        )
        assert _code(ask(client, "admin", loose)) is None
        adopted = ask(
            client,
            "resident of HA",
            'mutation { link(type: MEMBER_OF, from: "Resident:RX", to: "Household:HA", '
            'properties: {role: "tenant"}) { errors { code } } }',
        )
        assert _code(adopted) == "FORBIDDEN"


def test_an_integrator_given_grids_raises_alerts_only_for_its_devices(
    engine_settings: Settings,
) -> None:
    with api_client(engine_settings) as client:
        store = client.app.state.opened.store  # type: ignore[attr-defined]
        scoped_world.build(store)
        role, claims, _ = CALLERS["integrator given GB"]
        gateway = acting_as(client, "gateway-b", role, **claims)
        before = store.count_nodes()[Label.INCIDENT]
        for device in ("DA", "NOSUCH"):  # another grid's device reads as one that is not there
            alert = {"device_id": device, "kind": "smoke", "at": "2026-11-21T08:00:00Z"}
            refused = client.post("/ingest/alerts", json=alert, headers=gateway)
            assert refused.status_code == 422
            assert refused.json()["errors"] == [
                {"loc": [0, "device_id"], "msg": f"unknown device {device}"}
            ]
        assert store.count_nodes()[Label.INCIDENT] == before
        alert = {"device_id": "DB", "kind": "smoke", "at": "2026-11-21T08:00:00Z"}
        accepted = client.post("/ingest/alerts", json=alert, headers=gateway)
        assert accepted.status_code == 200, accepted.text
        assert store.count_nodes()[Label.INCIDENT] == before + 1

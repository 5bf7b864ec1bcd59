"""Row scopes on both engines, role by role and entry point by entry point: what a grid worker,
an integrator given grids, a property company and a resident reach of the two-grid community
in `scoped_world` (root lists and their totals, aggregates, node, nodes, search, stats,
relationships, filters), that a row outside the scope reads exactly as a missing one, and that
writes outside it are refused with nothing written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.auth.principal import Role
from api.compiled.asgi import COMPILED
from tests.api import scoped_world
from tests.api.scoped_world import CALLERS, EVERY_ID, answer, ask
from tests.auth import api_client
from tests.engines import ENGINES, settings_for

LISTS = {
    "Grid": "grids",
    "Building": "buildings",
    "Household": "households",
    "Resident": "residents",
    "Device": "devices",
    "Incident": "incidents",
    "Organisation": "organisations",
    "Petition": "petitions",
}


@pytest.fixture(scope="module", params=ENGINES)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The API over the two-grid community, per engine (the tests here only read)."""
    settings = settings_for(request.param, request, tmp_path_factory.mktemp("scoped"))
    with api_client(settings) as client:
        scoped_world.build(client.app.state.opened.store)  # type: ignore[attr-defined]
        yield client


@pytest.mark.parametrize("caller", CALLERS)
def test_each_list_holds_only_the_rows_in_scope_and_counts_only_them(
    world: TestClient, caller: str
) -> None:
    expected = CALLERS[caller][2]
    for label, field in LISTS.items():
        wanted = {i for i in expected if i.startswith(f"{label}:")}
        listed = f"{field}(first: 50) {{ totalCount edges {{ node {{ id }} }} }}"
        # The list alone runs on the compiled read path; beside an aggregate, on the general
        # executor: both are bounded.
        for query, path in (
            (f"{{ {listed} }}", "compiled"),
            (f"{{ {listed} {field}Aggregate {{ count }} }}", "general"),
        ):
            before = COMPILED.labels(path)._value.get()
            data = answer(world, caller, query)
            assert COMPILED.labels(path)._value.get() == before + 1, path
            ids = {edge["node"]["id"] for edge in data[field]["edges"]}
            assert ids == wanted, (label, ids)
            assert data[field]["totalCount"] == len(wanted)
        assert data[f"{field}Aggregate"]["count"] == len(wanted)


@pytest.mark.parametrize("caller", CALLERS)
def test_a_node_outside_the_scope_reads_as_a_missing_one(world: TestClient, caller: str) -> None:
    expected = CALLERS[caller][2]
    for node_id in EVERY_ID:
        found = answer(world, caller, "query ($id: ID!) { node(id: $id) { id } }", id=node_id)
        assert found["node"] == ({"id": node_id} if node_id in expected else None), node_id
    missing = answer(world, caller, '{ node(id: "Resident:NOSUCH") { id } }')
    assert missing == {"node": None}
    many = answer(world, caller, "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=EVERY_ID)
    assert [n["id"] if n else None for n in many["nodes"]] == [
        i if i in expected else None for i in EVERY_ID
    ]


@pytest.mark.parametrize("caller", CALLERS)
def test_stats_count_only_the_rows_in_scope(world: TestClient, caller: str) -> None:
    expected = CALLERS[caller][2]
    stats = answer(world, caller, "{ stats { residents buildings grids petitions incidents } }")
    for label, name in (
        ("Resident", "residents"),
        ("Building", "buildings"),
        ("Grid", "grids"),
        ("Petition", "petitions"),
        ("Incident", "incidents"),
    ):
        assert stats["stats"][name] == sum(i.startswith(f"{label}:") for i in expected), name


@pytest.mark.parametrize("caller", CALLERS)
def test_search_finds_only_what_is_in_scope(world: TestClient, caller: str) -> None:
    expected = CALLERS[caller][2]
    for text, node_id in (
        ("甲A", "Resident:RA1"),
        ("乙B", "Resident:RB2"),
        ("B栋楼", "Building:BB"),
    ):
        hits = answer(world, caller, "query ($t: String!) { search(text: $t) { id } }", t=text)
        found = {hit["id"] for hit in hits["search"]}
        assert found == ({node_id} if node_id in expected else set()), text


def test_relationships_stop_at_the_scope(world: TestClient) -> None:
    """Through a relationship, by a place filter, and on a relationship to several labels."""
    caller = "grid worker of GA"
    building = answer(
        world,
        caller,
        """{ node(id: "Building:BA") { ... on Building {
             adjacent(first: 10) { totalCount edges { node { id } } }
             adjacentAggregate { count }
             grid { id parent { id } } managedBy(first: 5) { totalCount } } } }""",
    )["node"]
    assert building["adjacent"] == {"totalCount": 0, "edges": []}
    assert building["adjacentAggregate"] == {"count": 0}
    assert building["grid"] == {"id": "Grid:GA", "parent": None}
    assert building["managedBy"] == {"totalCount": 0}  # OP lies in no grid
    person = answer(
        world,
        caller,
        """{ node(id: "Resident:RA1") { ... on Resident {
             emergencyContactOf(first: 5) { totalCount edges { node { id } } } } } }""",
    )["node"]
    assert person["emergencyContactOf"] == {"totalCount": 0, "edges": []}
    incident = answer(
        world,
        caller,
        """{ node(id: "Incident:IA") { ... on Incident {
             involves(first: 5) { totalCount edges { node { id } } } } } }""",
    )["node"]
    assert incident["involves"]["totalCount"] == 1
    shop = answer(
        world,
        caller,
        '{ node(id: "Organisation:OA") { ... on Organisation { manages(first: 5) { totalCount } '
        "managesAggregate { count } } } }",
    )["node"]
    assert shop == {"manages": {"totalCount": 0}, "managesAggregate": {"count": 0}}
    # Down a building's households to their members: inside, on either read path.
    for extra in ("", " managesAggregate: adjacentAggregate { count }"):
        tree = answer(
            world,
            caller,
            '{ node(id: "Building:BA") { ... on Building { households(first: 5) { nodes { '
            f"members(first: 5) {{ totalCount nodes {{ id }} }} }} }}{extra} }} }} }}",
        )["node"]
        members = tree["households"]["nodes"][0]["members"]
        assert {m["id"] for m in members["nodes"]} == {"Resident:RA1", "Resident:RA2"}
    for place in ("inGrid", "inBuilding"):
        target = "Grid:GB" if place == "inGrid" else "Building:BB"
        found = answer(
            world,
            caller,
            f"query ($p: ID!) {{ residents(first: 5, filter: {{{place}: $p}}) {{ totalCount }} }}",
            p=target,
        )
        assert found["residents"]["totalCount"] == 0, place
    # The wider grid worker reaches B's side through the same relationship.
    wide = answer(
        world,
        "grid worker of C",
        '{ node(id: "Building:BA") { ... on Building { adjacent(first: 10) { totalCount } } } }',
    )
    assert wide["node"]["adjacent"]["totalCount"] == 1


def test_grid_statistics_are_those_of_grids_in_scope(world: TestClient) -> None:
    query = """query ($id: ID!) { node(id: $id) { ... on Grid { statistics { population } } } }"""
    inside = answer(world, "grid worker of GA", query, id="Grid:GA")
    assert inside["node"]["statistics"]["population"] == 2
    assert answer(world, "grid worker of GA", query, id="Grid:C")["node"] is None
    whole = answer(world, "grid worker of C", query, id="Grid:C")
    assert whole["node"]["statistics"]["population"] == 4


PERSON = """{ node(id: "Resident:RA1") { ... on Resident { phone idNumber tags } } }"""


def test_personal_fields_follow_the_role(world: TestClient) -> None:
    worker = answer(world, "grid worker of GA", PERSON)["node"]
    assert worker["phone"] == "13800000001"  # a grid worker reaches its residents by phone
    assert sorted(worker["tags"]) == ["DISABLED", "ELDERLY_LIVING_ALONE"]
    assert "*" in worker["idNumber"]
    opened = ask(world, "grid worker of GA", PERSON, headers={"X-Purpose": "welfare"})
    assert "*" not in opened["data"]["node"]["idNumber"]
    company = answer(world, "property company OP", PERSON)["node"]
    assert company == {"phone": "138****0001", "idNumber": None, "tags": None}
    home = answer(world, "resident of HA", PERSON)["node"]
    assert home["phone"] == "13800000001" and "*" in home["idNumber"]
    refused = ask(world, "property company OP", PERSON, headers={"X-Purpose": "case"})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


TAGGED = """{ residents(first: 5, filter: {tags: {hasAny: [DISABLED]}}) { totalCount } }"""
GROUPED = """{ residentsAggregate { groupBy(field: TAGS) { key count } } }"""


def test_personal_fields_open_to_filters_only_as_they_open_to_reading(world: TestClient) -> None:
    for caller in ("admin", "property company OP", "integrator given GB"):
        for query in (TAGGED, GROUPED):
            refused = ask(world, caller, query)
            assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", caller
            assert "tags" in refused["errors"][0]["message"]
            assert refused["data"] is None
    stated = ask(world, "admin", TAGGED, headers={"X-Purpose": "case"})
    assert stated["data"]["residents"]["totalCount"] == 4
    worker = answer(world, "grid worker of GA", TAGGED)
    assert worker["residents"]["totalCount"] == 2
    store = world.app.state.opened.store  # type: ignore[attr-defined]
    last = store.audit_entries(after=0, limit=10_000)[-1]
    assert last.actor == f"test-{Role.GRID_WORKER}" and "tags" in last.personal_fields

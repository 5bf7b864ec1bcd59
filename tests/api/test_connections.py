"""Relay connections, filters, ordering and batched nested loading, through HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import data, error_of, store_queries
from tests.auth import stating_purpose


@pytest.fixture
def client(shared_client: TestClient) -> TestClient:
    """The module's tests only read: they share one demo-loaded API per engine."""
    return shared_client


PAGE = """query ($first: Int, $after: String, $last: Int, $before: String, $filter: ResidentFilter,
                 $order: ResidentOrder) {
  residents(first: $first, after: $after, last: $last, before: $before, filter: $filter,
            orderBy: $order) {
    totalCount
    edges { cursor node { id name age gender } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


def page(client: TestClient, **variables: object) -> dict:
    return data(client, PAGE, **variables)["residents"]


def test_forward_pages_cover_the_list_once(client: TestClient) -> None:
    seen: list[str] = []
    after = None
    while True:
        current = page(client, first=70, after=after)
        assert current["totalCount"] == 300
        seen += [edge["node"]["id"] for edge in current["edges"]]
        if not current["pageInfo"]["hasNextPage"]:
            break
        after = current["pageInfo"]["endCursor"]
        assert current["pageInfo"]["endCursor"] == current["edges"][-1]["cursor"]
    assert len(seen) == 300 and seen == sorted(seen) and len(set(seen)) == 300
    assert current["pageInfo"]["hasPreviousPage"] and len(current["edges"]) == 20


def test_backward_pages_and_the_ends(client: TestClient) -> None:
    tail = page(client, last=3)
    assert [e["node"]["id"] for e in tail["edges"]] == [
        "Resident:R00000298",
        "Resident:R00000299",
        "Resident:R00000300",
    ]
    assert tail["pageInfo"]["hasPreviousPage"]
    before = page(client, last=2, before=tail["pageInfo"]["startCursor"])
    assert [e["node"]["id"] for e in before["edges"]] == [
        "Resident:R00000296",
        "Resident:R00000297",
    ]
    empty = page(client, first=5, filter={"name": {"eq": "不存在的名字"}})
    assert empty == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }
    assert page(client, first=0)["edges"] == []


def test_bad_paging_arguments_are_refused_with_codes(client: TestClient) -> None:
    for variables, text in (
        ({"first": 5, "after": "not-a-cursor"}, "after:"),
        ({"first": 501}, "first: must be between 0 and 500"),
        ({"first": 1, "last": 1}, "first/last"),
    ):
        error = error_of(client, PAGE, **variables)
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert text in error["message"]
    by_name = page(client, first=1, order={"field": "NAME"})
    error = error_of(client, PAGE, first=1, after=by_name["pageInfo"]["endCursor"])
    assert "another ordering" in error["message"]


def test_ordering_is_stable_and_directional(client: TestClient) -> None:
    oldest = page(client, first=20, order={"field": "BIRTH_DATE", "direction": "ASC"})
    ages = [e["node"]["age"] for e in oldest["edges"]]
    assert ages == sorted(ages, reverse=True)
    nxt = page(
        client,
        first=20,
        after=oldest["pageInfo"]["endCursor"],
        order={"field": "BIRTH_DATE", "direction": "ASC"},
    )
    assert nxt["edges"][0]["node"]["age"] <= ages[-1]
    ids = {e["node"]["id"] for e in oldest["edges"]} & {e["node"]["id"] for e in nxt["edges"]}
    assert ids == set()


def test_filters_combine_and_match_counts(client: TestClient) -> None:
    women = page(client, first=500, filter={"gender": {"eq": "FEMALE"}})
    men = page(client, first=500, filter={"NOT": {"gender": {"eq": "FEMALE"}}})
    assert women["totalCount"] + men["totalCount"] == 300
    assert {e["node"]["gender"] for e in women["edges"]} == {"FEMALE"}
    elderly = page(client, first=500, filter={"age": {"min": 60}})
    assert elderly["totalCount"] > 0 and all(e["node"]["age"] >= 60 for e in elderly["edges"])
    band = page(client, first=500, filter={"age": {"min": 30, "max": 39}})
    assert all(30 <= e["node"]["age"] <= 39 for e in band["edges"])
    either = page(client, first=500, filter={"OR": [{"age": {"max": 9}}, {"age": {"min": 90}}]})
    assert all(e["node"]["age"] <= 9 or e["node"]["age"] >= 90 for e in either["edges"])
    surname = women["edges"][0]["node"]["name"][0]
    named = page(client, first=500, filter={"name": {"startsWith": surname}})
    assert named["totalCount"] >= 1
    assert all(e["node"]["name"].startswith(surname) for e in named["edges"])
    with stating_purpose(client):
        alone = page(client, first=500, filter={"tags": {"hasAny": ["ELDERLY_LIVING_ALONE"]}})
    assert all(e["node"]["age"] >= 60 for e in alone["edges"])


def test_lives_alone_matches_households_of_one(client: TestClient) -> None:
    households = data(
        client, "{ households(first: 500) { nodes { members { totalCount nodes { id } } } } }"
    )["households"]["nodes"]
    expected = sorted(
        h["members"]["nodes"][0]["id"] for h in households if h["members"]["totalCount"] == 1
    )
    alone = page(client, first=500, filter={"livesAlone": True})
    assert expected and sorted(e["node"]["id"] for e in alone["edges"]) == expected
    assert alone["totalCount"] == len(expected)
    not_alone = page(client, first=1, filter={"livesAlone": False})
    assert not_alone["totalCount"] == 300 - len(expected)
    elderly_alone = page(client, first=500, filter={"livesAlone": True, "age": {"min": 60}})
    assert {e["node"]["id"] for e in elderly_alone["edges"]} <= set(expected)
    assert all(e["node"]["age"] >= 60 for e in elderly_alone["edges"])


def test_relationship_filters(client: TestClient) -> None:
    district = data(client, "{ grids(filter: {level: {eq: DISTRICT}}) { nodes { id } } }")
    district_id = district["grids"]["nodes"][0]["id"]
    everyone = page(client, first=1, filter={"inGrid": district_id})
    assert everyone["totalCount"] == 300
    building = data(
        client,
        "{ buildings(first: 1) { nodes { id households { nodes { members { totalCount } } } } } }",
    )["buildings"]["nodes"][0]
    expected = sum(h["members"]["totalCount"] for h in building["households"]["nodes"])
    assert page(client, first=1, filter={"inBuilding": building["id"]})["totalCount"] == expected
    devices = data(
        client,
        """query ($b: ID!) { devices(filter: {inBuilding: $b,
        kind: {in: [SMOKE_ALARM, CAMERA]}}) { totalCount nodes { kind } } }""",
        b=building["id"],
    )
    assert devices["devices"]["totalCount"] >= 2
    assert {d["kind"] for d in devices["devices"]["nodes"]} <= {"SMOKE_ALARM", "CAMERA"}
    window = data(
        client,
        """query ($g: ID!) { incidents(filter: {inGrid: $g,
        reportedAt: {gte: "2026-05-01T00:00:00Z", lt: "2026-11-01T00:00:00Z"}}) {
        totalCount nodes { reportedAt } } }""",
        g=district_id,
    )["incidents"]
    assert window["totalCount"] > 0
    assert all("2026-05-01" <= i["reportedAt"] < "2026-11-01" for i in window["nodes"])


NESTED = """query ($grid: ID!) {
  node(id: $grid) {
    ... on Grid {
      name
      buildings(first: 20) {
        totalCount
        nodes { name households(first: 50) { nodes { id members(first: 20) {
          totalCount nodes { name age } } } } }
      }
    }
  }
}"""


def test_a_nested_tree_costs_one_round_trip(client: TestClient) -> None:
    grids = data(client, "{ grids(filter: {level: {eq: GRID}}) { nodes { id } } }")
    grid_id = grids["grids"]["nodes"][0]["id"]
    before = store_queries()
    result = data(client, NESTED, grid=grid_id)["node"]
    used = store_queries() - before
    members = [
        m
        for b in result["buildings"]["nodes"]
        for h in b["households"]["nodes"]
        for m in h["members"]["nodes"]
    ]
    assert len(result["buildings"]["nodes"]) >= 1 and len(members) > 20
    assert used == 1  # the grid with its buildings, households and members (api/compiled)


def test_a_filtered_nested_list_is_fetched_in_the_same_query_with_the_same_answer(
    client: TestClient,
) -> None:
    grids = data(client, "{ grids(filter: {level: {eq: GRID}}) { nodes { id } } }")
    grid_id = grids["grids"]["nodes"][0]["id"]
    query = """query ($grid: ID!) { node(id: $grid) { ... on Grid { buildings(first: 3) {
      nodes { households(first: 5) { totalCount pageInfo { hasNextPage } nodes {
        all: members(first: 20) { totalCount nodes { id gender } }
        women: members(first: 20, filter: {gender: {eq: FEMALE}}) { totalCount nodes { id } }
      } } } } } } }"""
    before = store_queries()
    result = data(client, query, grid=grid_id)["node"]
    used = store_queries() - before
    assert used == 1  # the grid, its buildings, households, all members and the women
    households = [h for b in result["buildings"]["nodes"] for h in b["households"]["nodes"]]
    assert households
    for household in households:
        everyone = household["all"]["nodes"]
        women = [m["id"] for m in everyone if m["gender"] == "FEMALE"]
        assert [m["id"] for m in household["women"]["nodes"]] == women
        assert household["women"]["totalCount"] == len(women)
        assert household["all"]["totalCount"] == len(everyone)


def test_both_directions_of_relationships(client: TestClient) -> None:
    resident = data(
        client,
        """{ residents(first: 1) { nodes { id householdRole
        household { id building { id grid { id parent { level } } } } } } }""",
    )
    node = resident["residents"]["nodes"][0]
    household = node["household"]
    assert node["householdRole"] == "HEAD"
    back = data(
        client,
        """query ($h: ID!) { node(id: $h) { ... on Household { unit room
        members { nodes { id } } building { households { nodes { id } } } } } }""",
        h=household["id"],
    )["node"]
    assert node["id"] in [m["id"] for m in back["members"]["nodes"]]
    assert household["id"] in [h["id"] for h in back["building"]["households"]["nodes"]]
    assert back["unit"] and back["room"]
    assert household["building"]["grid"]["parent"]["level"] == "COMMUNITY"
    nodes = data(
        client,
        """query ($ids: [ID!]!) { nodes(ids: $ids) { id } }""",
        ids=[node["id"], "Resident:NOPE", household["id"]],
    )["nodes"]
    assert nodes == [{"id": node["id"]}, None, {"id": household["id"]}]


def test_grid_statistics_are_batched_and_roll_up(client: TestClient) -> None:
    before = store_queries()
    grids = data(
        client,
        """{ grids(first: 100) { nodes { id ... on Grid { level statistics {
        buildings households population overdueIncidents
        residentsByTag { tag count } openIncidentsByStatus { status count } } } } } }""",
    )
    used = store_queries() - before
    nodes = grids["grids"]["nodes"]
    assert used == 1 + 3  # the grids, then counts, tags and incidents for all of them at once
    district = next(n for n in nodes if n["level"] == "DISTRICT")["statistics"]
    assert district["population"] == 300
    leaves = [n["statistics"] for n in nodes if n["level"] == "GRID"]
    assert sum(s["population"] for s in leaves) == 300
    assert sum(s["households"] for s in leaves) == district["households"]
    assert all(c["count"] > 0 for c in district["residentsByTag"])
    assert sum(c["count"] for c in district["openIncidentsByStatus"]) > 0


def test_near_a_point_and_what_the_buildings_hold(client: TestClient) -> None:
    buildings = data(client, "{ buildings(first: 500) { nodes { id lat lon } } }")["buildings"]
    placed = [b for b in buildings["nodes"] if b["lat"] is not None]
    centre = placed[0]
    near = f"near: {{lat: {centre['lat']}, lon: {centre['lon']}, radiusM: 1}}"
    found = data(client, f"{{ buildings(filter: {{{near}}}) {{ nodes {{ id }} }} }}")
    assert [b["id"] for b in found["buildings"]["nodes"]] == [centre["id"]]
    households = data(
        client,
        f"""{{ inside: households(first: 500, filter: {{building: {{{near}}}}}) {{ nodes {{
              building {{ id }} }} }}
            all: node(id: "{centre["id"]}") {{ ... on Building {{ households(first: 500) {{
              totalCount }} }} }} }}""",
    )
    inside = households["inside"]["nodes"]
    assert {h["building"]["id"] for h in inside} == {centre["id"]}
    assert len(inside) == households["all"]["households"]["totalCount"]
    refused = error_of(
        client, "{ buildings(filter: {near: {lat: 91, lon: 0, radiusM: 0}}) { nodes { id } } }"
    )
    assert "near.lat" in refused["message"] and "near.radiusM" in refused["message"]


def test_buildings_near_a_point_nearest_first(client: TestClient) -> None:
    from tests.api.filter_atoms import metres_between

    buildings = data(client, "{ buildings(first: 500) { nodes { id lat lon } } }")["buildings"]
    placed = [b for b in buildings["nodes"] if b["lat"] is not None]
    centre = (placed[-1]["lat"] + 0.0003, placed[-1]["lon"] - 0.0002)
    near = f"near: {{lat: {centre[0]}, lon: {centre[1]}, radiusM: 5000}}"
    query = """query ($d: SortDirection!, $after: String) { buildings(first: 2, after: $after,
      filter: {NEAR}, orderBy: {field: DISTANCE, direction: $d}) {
      nodes { id } pageInfo { hasNextPage endCursor } } }""".replace("NEAR", near)
    for direction in ("ASC", "DESC"):
        wanted = sorted(
            placed,
            key=lambda b: (metres_between(centre, (b["lat"], b["lon"])), b["id"]),
            reverse=direction == "DESC",
        )
        seen, after = [], None
        while True:
            page = data(client, query, d=direction, after=after)["buildings"]
            seen += [b["id"] for b in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == [b["id"] for b in wanted]
    refused = error_of(client, "{ buildings(orderBy: {field: DISTANCE}) { nodes { id } } }")
    assert "near" in refused["message"]
    nested = data(
        client,
        """{ grids(first: 50) { nodes { buildings(filter: {NEAR}, orderBy: {field: DISTANCE}) {
          nodes { id } } } } }""".replace("NEAR", near),
    )
    for grid in nested["grids"]["nodes"]:
        ids = [b["id"] for b in grid["buildings"]["nodes"]]
        order = [
            b["id"]
            for b in sorted(
                placed, key=lambda b: (metres_between(centre, (b["lat"], b["lon"])), b["id"])
            )
        ]
        assert ids == [i for i in order if i in ids]

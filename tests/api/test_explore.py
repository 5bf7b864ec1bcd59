"""Investigator exploration through the API on both engines, over the two-grid world of
`scoped_world`: a neighbourhood ready to draw (every relationship's ends among the nodes, each
node with a label), a node cap that says it cut, the k shortest paths checked link by link,
common connections, a grid worker's view that stops at its grid, and errors naming the
argument."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth.principal import Role
from civicgraph.settings import Settings
from tests.api import scoped_world
from tests.auth import acting_as, api_client

HOOD = """query ($ids: [ID!]!, $depth: Int!, $limit: Int!, $types: [String!]) {
  neighbourhood(ids: $ids, depth: $depth, limit: $limit, nodeTypes: $types) {
    nodes { id __typename label } edges { id type source target properties } truncated } }"""
PATHS = """query ($from: ID!, $to: ID!, $k: Int!, $hops: Int!) {
  paths(from: $from, to: $to, k: $k, maxHops: $hops) {
    length nodes { id } edges { type source target } } }"""
COMMON = """query ($ids: [ID!]!) { commonConnections(ids: $ids, maxHops: 2) {
  node { id } paths { length nodes { id } } } }"""


@pytest.fixture
def client(engine_settings: Settings) -> Iterator[TestClient]:
    with api_client(engine_settings) as test_client:
        scoped_world.build(test_client.app.state.opened.store)  # type: ignore[attr-defined]
        yield test_client


def _ask(
    client: TestClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> Any:
    return client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    ).json()


def _data(
    client: TestClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> Any:
    answer = _ask(client, query, headers, **variables)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def test_neighbourhood_is_ready_to_draw_and_capped(client: TestClient) -> None:
    view = _data(client, HOOD, ids=["Building:BA"], depth=1, limit=500)["neighbourhood"]
    ids = {n["id"] for n in view["nodes"]}
    assert {"Building:BA", "Grid:GA", "Household:HA", "Device:DA", "Building:BB"} <= ids
    assert all(n["label"] for n in view["nodes"])
    assert all(e["source"] in ids and e["target"] in ids for e in view["edges"])
    assert {
        "type": "ADJACENT_TO",
        "source": "Building:BA",
        "target": "Building:BB",
    }.items() <= next(e for e in view["edges"] if e["type"] == "ADJACENT_TO").items()
    adjacent = next(e for e in view["edges"] if e["type"] == "ADJACENT_TO")
    assert (
        adjacent["properties"]["distance_m"] == 30.0 and "prov_source" not in adjacent["properties"]
    )
    assert view["truncated"] is False
    two = _data(client, HOOD, ids=["Building:BA"], depth=2, limit=500)["neighbourhood"]
    assert {"Resident:RA1", "Household:HB"} <= {n["id"] for n in two["nodes"]}
    capped = _data(client, HOOD, ids=["Building:BA"], depth=2, limit=3)["neighbourhood"]
    assert len(capped["nodes"]) <= 3 and capped["truncated"] is True
    assert capped["nodes"][0]["id"] == "Building:BA"  # the node asked about is never cut
    people = _data(client, HOOD, ids=["Household:HA"], depth=1, limit=50, types=["Resident"])
    assert {n["__typename"] for n in people["neighbourhood"]["nodes"]} == {"Resident", "Household"}


def test_k_shortest_paths_and_common_connections(client: TestClient) -> None:
    found = _data(
        client, PATHS, **{"from": "Resident:RA1", "to": "Resident:RB2", "k": 3, "hops": 6}
    )
    paths = found["paths"]
    assert [p["length"] for p in paths] == sorted(p["length"] for p in paths)
    assert paths[0]["length"] == 3  # RA1 -EMERGENCY_CONTACT_OF- RB1 -MEMBER_OF- HB -MEMBER_OF- RB2
    assert len(paths) == 3
    for path in paths:
        nodes = [n["id"] for n in path["nodes"]]
        assert nodes[0] == "Resident:RA1" and nodes[-1] == "Resident:RB2"
        assert len(set(nodes)) == len(nodes)
        for (a, b), edge in zip(itertools.pairwise(nodes), path["edges"], strict=True):
            assert {edge["source"], edge["target"]} == {a, b}
    none = _data(client, PATHS, **{"from": "Resident:RA1", "to": "Resident:RB2", "k": 3, "hops": 1})
    assert none["paths"] == []
    shared = _data(client, COMMON, ids=["Resident:RA1", "Resident:RA2"])["commonConnections"]
    assert shared[0]["node"]["id"] == "Household:HA"
    assert [p["length"] for p in shared[0]["paths"]] == [1, 1]


def test_a_grid_worker_sees_only_its_grid(client: TestClient) -> None:
    worker = acting_as(client, "gw-a", Role.GRID_WORKER, grids=["GA"])
    view = _data(client, HOOD, worker, ids=["Building:BA"], depth=2, limit=500)["neighbourhood"]
    ids = {n["id"] for n in view["nodes"]}
    assert "Building:BA" in ids and "Household:HA" in ids
    assert not ids & {"Building:BB", "Household:HB", "Resident:RB1"}
    hidden = _ask(client, HOOD, worker, ids=["Building:BB"], depth=1, limit=10)
    assert hidden["errors"][0]["message"] == "ids[0]: Building:BB does not exist"


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        (
            HOOD,
            {"ids": ["Building:NOPE"], "depth": 1, "limit": 10},
            "ids[0]: Building:NOPE does not exist",
        ),
        (HOOD, {"ids": ["Building:BA"], "depth": 9, "limit": 10}, "depth: give 1 to 3 (got 9)"),
        (HOOD, {"ids": ["Building:BA"], "depth": 1, "limit": 0}, "limit: give 1 to 5000 (got 0)"),
        (HOOD, {"ids": ["nonsense"], "depth": 1, "limit": 10}, "ids[0]:"),
        (
            PATHS,
            {"from": "Resident:RA1", "to": "Resident:RB2", "k": 11, "hops": 3},
            "k: give 1 to 10 (got 11)",
        ),
        (
            PATHS,
            {"from": "Resident:RA1", "to": "Resident:X", "k": 1, "hops": 3},
            "to: Resident:X does not exist",
        ),
        (
            PATHS,
            {"from": "Resident:RA1", "to": "Resident:X", "k": 1, "hops": 7},
            "maxHops: give 1 to 6 (got 7)",
        ),
        (COMMON, {"ids": ["Resident:RA1"]}, "ids: give 2 to 10 ids"),
    ],
)
def test_bad_arguments_are_named(
    client: TestClient, query: str, variables: dict[str, Any], message: str
) -> None:
    answer = _ask(client, query, **variables)
    assert answer["errors"][0]["message"].startswith(message), answer
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


TIMELINE = """query ($ids: [ID!]!, $first: Int!, $after: String) {
  timeline(ids: $ids, first: $first, after: $after) { totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { at kind summary subject { id } node { id __typename } } } } }"""


def test_timeline_in_time_order_and_paged(client: TestClient) -> None:
    accepted = _data(
        client, 'mutation { acceptIncident(id: "Incident:IA", note: "已受理") { errors { code } } }'
    )
    assert accepted["acceptIncident"]["errors"] == []
    renamed = _data(
        client,
        'mutation { upsertBuilding(input: {id: "BA", name: "甲座新名"}) { errors { code } } }',
    )
    assert renamed["upsertBuilding"]["errors"] == []
    found = _data(client, TIMELINE, ids=["Building:BA", "Resident:RA1"], first=50)["timeline"]
    entries = [e["node"] for e in found["edges"]]
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    kinds = {(e["kind"], e["subject"]["id"], e["node"]["id"]) for e in entries}
    assert ("CREATED", "Building:BA", "Building:BA") in kinds
    assert ("UPDATED", "Building:BA", "Building:BA") in kinds
    assert ("INCIDENT_STEP", "Building:BA", "Incident:IA") in kinds  # occurred there
    assert ("INCIDENT_STEP", "Resident:RA1", "Incident:IA") in kinds  # it involves her
    assert ("PETITION", "Resident:RA1", "Petition:PA") in kinds  # she submitted it
    step = next(e for e in entries if e["kind"] == "INCIDENT_STEP")
    assert "已受理" in step["summary"]
    assert not any(e["node"]["id"].endswith("B") for e in entries)  # nothing of side B
    first = _data(client, TIMELINE, ids=["Building:BA"], first=1)["timeline"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = _data(
        client, TIMELINE, ids=["Building:BA"], first=50, after=first["pageInfo"]["endCursor"]
    )["timeline"]
    assert len(first["edges"]) + len(rest["edges"]) == first["totalCount"]
    worker = acting_as(client, "gw-b", Role.GRID_WORKER, grids=["GB"])
    refused = _ask(client, TIMELINE, worker, ids=["Building:BA"], first=5)
    assert refused["errors"][0]["message"] == "ids[0]: Building:BA does not exist"

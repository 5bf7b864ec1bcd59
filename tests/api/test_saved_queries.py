"""Saved queries: every file under queries/explore loads; a write clause or an undeclared
parameter is refused when a file loads; through the API on both engines, the list with typed
parameters, a table and a graph from the two-grid world, parameters of the wrong type refused
naming them, and only administrators and investigators may run them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth.principal import Role
from civicgraph.settings import Settings
from queries.saved import SavedQueryError, parse, saved_queries
from tests.api import scoped_world
from tests.auth import acting_as, api_client

RUN = """query ($name: String!, $params: JSON) { runSavedQuery(name: $name, params: $params) {
  columns rows graph { nodes { id } edges { type source target } } } }"""


def test_every_saved_query_loads_and_writes_are_refused() -> None:
    loaded = saved_queries()
    assert {"vulnerable_residents_of_building", "incidents_around_place"} <= set(loaded)
    for query in loaded.values():
        assert query.description and query.returns in ("table", "graph")
    with pytest.raises(SavedQueryError, match=r"evil\.cypher: MERGE writes"):
        parse("evil", "// description: x\nMATCH (n) MERGE (m:Grid {id: 'x'}) RETURN n")
    with pytest.raises(SavedQueryError, match=r"DETACH writes"):
        parse("evil", "// description: x\nMATCH (n) DETACH DELETE n")
    with pytest.raises(SavedQueryError, match=r"\$grid is not declared"):
        parse("loose", "// description: x\nMATCH (g:Grid {id: $grid}) RETURN g.id")
    fine = parse("quoted", "// description: x\nMATCH (n) WHERE n.note = 'SET ME' RETURN n.id AS id")
    assert fine.cypher.endswith("RETURN n.id AS id")  # a word inside a string is not a clause


@pytest.fixture
def client(engine_settings: Settings) -> Iterator[TestClient]:
    with api_client(engine_settings) as test_client:
        scoped_world.build(test_client.app.state.opened.store)  # type: ignore[attr-defined]
        yield test_client


def _ask(client: TestClient, headers: dict[str, str] | None = None, **variables: Any) -> Any:
    return client.post(
        "/graphql", json={"query": RUN, "variables": variables}, headers=headers or {}
    ).json()


def test_saved_queries_run_as_tables_and_graphs(client: TestClient) -> None:
    listed = client.post(
        "/graphql",
        json={"query": "{ savedQueries { name returns parameters { name type required } } }"},
    ).json()["data"]["savedQueries"]
    vulnerable = next(q for q in listed if q["name"] == "vulnerable_residents_of_building")
    assert {"name": "building", "type": "ID(Building)", "required": True} in vulnerable[
        "parameters"
    ]
    table = _ask(
        client, name="vulnerable_residents_of_building", params={"building": "Building:BA"}
    )
    result = table["data"]["runSavedQuery"]
    assert result["columns"] == ["resident", "name", "household", "floor"]
    assert sorted(row[0] for row in result["rows"]) == ["RA1", "RA2"]  # born in 1941
    assert result["graph"] is None
    graph = _ask(
        client,
        name="incidents_around_place",
        params={"building": "Building:BA", "since": "2026-01-01", "until": "2027-01-01"},
    )["data"]["runSavedQuery"]["graph"]
    assert {"type": "OCCURRED_AT", "source": "Incident:IA", "target": "Building:BA"} in graph[
        "edges"
    ]
    assert {"type": "OCCURRED_AT", "source": "Incident:IB", "target": "Building:BB"} in graph[
        "edges"
    ]
    assert {"Incident:IA", "Building:BA"} <= {n["id"] for n in graph["nodes"]}


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"name": "nope"}, "name: no saved query 'nope'"),
        ({"name": "vulnerable_residents_of_building", "params": {}}, "params.building: required"),
        (
            {"name": "vulnerable_residents_of_building", "params": {"building": "Grid:GA"}},
            "params.building: expected a Building id",
        ),
        (
            {
                "name": "vulnerable_residents_of_building",
                "params": {"building": "Building:BA", "born_before": "1950"},
            },
            "params.born_before: expected Int",
        ),
        ({"name": "organisations_with_many_incidents", "params": {"limit": 3}}, "params.limit:"),
    ],
)
def test_bad_parameters_are_named(
    client: TestClient, variables: dict[str, Any], message: str
) -> None:
    answer = _ask(client, **variables)
    assert answer["errors"][0]["message"].startswith(message), answer


def test_only_administrators_and_investigators_run_them(client: TestClient) -> None:
    investigator = acting_as(client, "inv", Role.INVESTIGATOR)
    allowed = _ask(
        client, investigator, name="organisations_with_many_incidents", params={"at_least": 1}
    )
    assert "errors" not in allowed
    worker = acting_as(client, "gw", Role.GRID_WORKER, grids=["GA"])
    refused = _ask(client, worker, name="organisations_with_many_incidents")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

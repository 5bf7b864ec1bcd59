"""Query cost: estimated before a request runs, refused over the limit with the estimate."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from graphql import OperationDefinitionNode, parse

from api.compiled.asgi import COMPILED
from api.limits.cost import estimate
from api.schema import schema
from civicgraph.settings import Settings
from tests.auth import api_client


def cost_of(query: str, **variables: object) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in document.definitions if d is not operation}  # type: ignore[attr-defined]
    return estimate(schema._schema, operation, fragments, variables)


HEAVY = (
    'residents(first: 500, filter: {inGrid: "Grid:G00001"}) '
    "{ nodes { household { members { nodes { name } } } } }"
)


def test_page_sizes_multiply_through_the_nesting() -> None:
    assert cost_of("{ stats { residents } }") == 1
    # 500 residents, 500 households, 50 members each (the default page).
    assert cost_of("{ " + HEAVY + " }") == 500 + 500 + 500 * 50
    assert cost_of("{ " + " ".join(f"a{n}: {HEAVY}" for n in range(30)) + " }") == 30 * 26_000
    nested = "{ grids(first: 5) { nodes { buildings(first: 50) { edges { node { id } } } } } }"
    assert cost_of(nested) == 5 + 5 * 50
    assert cost_of("query ($n: Int) { residents(first: $n) { nodes { id } } }", n=7) == 7
    assert cost_of("{ residents(last: 9000) { nodes { id } } }") == 500  # pages are capped
    assert cost_of('{ nodes(ids: ["Grid:G1", "Grid:G2"]) { id } }') == 2
    with_fragment = """query { grids(first: 4) { nodes { ...G } } }
      fragment G on Grid { buildings(first: 10) { nodes { id } } }"""
    assert cost_of(with_fragment) == 4 + 40


@pytest.fixture
def small_limit(tmp_path: Path) -> TestClient:
    return api_client(Settings(data_dir=tmp_path, max_query_cost=30_000))


def test_a_costly_request_is_refused_with_its_estimate_before_it_runs(
    small_limit: TestClient,
) -> None:
    with small_limit as client:
        many = "{ " + " ".join(f"a{n}: {HEAVY}" for n in range(30)) + " }"
        response = client.post("/graphql", json={"query": many})
        error = response.json()["errors"][0]
        assert error["extensions"] == {
            "code": "QUERY_TOO_COSTLY",
            "cost": 780_000,
            "maxCost": 30_000,
        }
        assert response.json()["data"] is None
        strict = client.post(
            "/graphql",
            json={"query": many},
            headers={"accept": "application/graphql-response+json"},
        )
        assert strict.status_code == 400
        allowed = client.post("/graphql", json={"query": "{ " + HEAVY + " }"})
        assert "errors" not in allowed.json()
        assert allowed.json()["extensions"] == {"cost": 26_000}  # what it was estimated at
        # The compiled read path reports it too.
        before = COMPILED.labels("compiled")._value.get()
        compiled = client.post(
            "/graphql", json={"query": "{ residents(first: 7) { nodes { id } } }"}
        )
        assert compiled.json()["extensions"] == {"cost": 7}
        assert COMPILED.labels("compiled")._value.get() == before + 1

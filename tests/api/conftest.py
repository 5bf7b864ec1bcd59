"""A demo-loaded API per engine, shared by the tests of a module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from civicgraph.settings import Settings
from graph.metrics import STORE_QUERIES


@pytest.fixture
def client(engine_settings: Settings) -> Iterator[TestClient]:
    settings = engine_settings.model_copy(update={"demo_residents": 300, "demo_seed": 5})
    with TestClient(create_app(settings, demo=True)) as test_client:
        yield test_client


def store_queries() -> float:
    return sum(
        s.value for m in STORE_QUERIES.collect() for s in m.samples if s.name.endswith("_total")
    )


def gql(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


def data(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    result = gql(client, query, **variables)
    assert "errors" not in result, result["errors"]
    return result["data"]


def error_of(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    result = gql(client, query, **variables)
    assert result.get("errors"), result
    return result["errors"][0]

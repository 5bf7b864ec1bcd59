"""Demo-loaded APIs per engine: one per test (`client`, for tests that write), or one per
module shared by its read-only tests (`shared_client`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from api.app import create_app
from civicgraph.devserver.neo4j import free_port
from civicgraph.settings import Settings
from graph.metrics import STORE_QUERIES
from tests.auth import api_client, token
from tests.engines import ENGINES, settings_for

# The API tests count store round trips (tests/changes run the relay, which makes its own).
DEMO = {"demo_residents": 300, "demo_seed": 5, "relay": False}


@pytest.fixture
def client(engine_settings: Settings) -> Iterator[TestClient]:
    with api_client(engine_settings.model_copy(update=DEMO), demo=True) as test_client:
        yield test_client


@pytest.fixture(scope="module", params=ENGINES)
def shared_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """One demo-loaded API per engine for a module whose tests only read."""
    settings = settings_for(request.param, request, tmp_path_factory.mktemp("shared"))
    with api_client(settings.model_copy(update=DEMO), demo=True) as test_client:
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


@pytest.fixture(scope="module")
def live_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("http"), demo_residents=50)


@pytest.fixture(scope="module")
def live_token(live_settings: Settings) -> str:
    """An admin token of the live API (its key is in its data dir)."""
    return token(live_settings)


@pytest.fixture(scope="module")
def live_url(live_settings: Settings) -> Iterator[str]:
    settings = live_settings
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, demo=True), host="127.0.0.1", port=port, log_config=None
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/graphql"
    server.should_exit = True
    thread.join(30)

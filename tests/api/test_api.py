"""The API over HTTP, on both engines: GraphQL root fields, errors, health, metrics."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from civicgraph.settings import Settings
from tests.api.conftest import gql
from tests.auth import api_client


@pytest.fixture
def client(shared_client: TestClient) -> TestClient:
    """The module's tests only read: they share one demo-loaded API per engine."""
    return shared_client


def test_stats_counts_the_demo_community(client: TestClient) -> None:
    data = gql(
        client,
        "{ stats { residents households buildings grids organisations devices "
        "incidents petitions } }",
    )["data"]["stats"]
    assert data["residents"] == 300
    assert all(value > 0 for value in data.values())


def test_node_returns_typed_objects_with_personal_fields_closed(client: TestClient) -> None:
    result = gql(
        client,
        """
        query ($id: ID!) {
          node(id: $id) {
            id
            __typename
            provenance { source actor createdAt }
            ... on Resident { name gender residency age }
          }
        }""",
        id="Resident:R00000001",
    )
    node = result["data"]["node"]
    assert node["id"] == "Resident:R00000001" and node["__typename"] == "Resident"
    assert node["gender"] in ("MALE", "FEMALE") and 0 <= node["age"] <= 110
    assert node["provenance"]["source"] == "demo"
    # Personal fields without a stated purpose: masked or withheld (tests/api/test_personal_fields).
    closed = gql(
        client, '{ node(id: "Resident:R00000001") { ... on Resident { idNumber phone tags } } }'
    )["data"]["node"]
    assert closed["tags"] is None
    assert all(v is None or "****" in v for v in (closed["idNumber"], closed["phone"]))


def test_unknown_and_malformed_ids(client: TestClient) -> None:
    assert gql(client, '{ node(id: "Building:NOPE") { id } }')["data"]["node"] is None
    result = gql(client, '{ node(id: "nonsense") { id } }')
    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("id:")
    assert "Traceback" not in str(result)


def test_malformed_requests_get_graphql_errors_not_500(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ stats { residents "})
    assert response.status_code < 500
    assert response.json()["errors"][0]["message"].startswith("Syntax Error")
    response = client.post(
        "/graphql", content=b"not json", headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500


def test_health_readiness_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["last_event"] > 0
    gql(client, "{ stats { residents } }")
    metrics = client.get("/metrics").text
    assert "civicgraph_store_queries_total" in metrics
    assert 'civicgraph_http_requests_total{method="POST",route="/graphql",status="200"}' in metrics


def test_graphiql_is_served_to_browsers(client: TestClient) -> None:
    response = client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


def test_demo_is_loaded_once(engine_settings: Settings) -> None:
    settings = engine_settings.model_copy(update={"demo_residents": 50, "demo_seed": 1})
    with api_client(settings, demo=True) as first:
        before = first.get("/readyz").json()["last_event"]
    with api_client(settings, demo=True) as second:
        assert second.get("/readyz").json()["last_event"] == before
        assert gql(second, "{ stats { residents } }")["data"]["stats"]["residents"] == 50


def test_lifts_and_floors_are_fields_and_filters(client: TestClient) -> None:
    everything = gql(
        client,
        """{ buildings(first: 100) { nodes { id floors hasElevator } }
             households(first: 500) { nodes { id floor room } } }""",
    )["data"]
    buildings = everything["buildings"]["nodes"]
    assert all(isinstance(b["hasElevator"], bool | None) for b in buildings)
    households = everything["households"]["nodes"]
    assert households and all(h["floor"] == int(h["room"][:-2]) for h in households)
    picked = gql(
        client,
        """{ lifts: buildings(first: 100, filter: {hasElevator: {eq: true}}) { nodes { id } }
             none: buildings(first: 100, filter: {hasElevator: {eq: false}}) { nodes { id } }
             high: households(first: 500, filter: {floor: {gte: 3}}) { nodes { id } } }""",
    )["data"]
    assert {b["id"] for b in picked["lifts"]["nodes"]} == {
        b["id"] for b in buildings if b["hasElevator"] is True
    }
    assert {b["id"] for b in picked["none"]["nodes"]} == {
        b["id"] for b in buildings if b["hasElevator"] is False
    }
    assert {h["id"] for h in picked["high"]["nodes"]} == {
        h["id"] for h in households if h["floor"] >= 3
    }

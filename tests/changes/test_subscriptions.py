"""The `changes` subscription over graphql-transport-ws and the `changes` pull query, through
the API on both engines (Neo4j with the tests' redis-server): live delivery, resume from a
cursor, filters, and clear errors for bad arguments."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from civicgraph.settings import Settings
from tests.api.conftest import data, gql
from tests.auth import api_client
from tests.streams import with_changes

UPSERT = """mutation ($input: BuildingInput!) {
  upsertBuilding(input: $input) { node { id version } errors { message } } }"""
PROTOCOL = "graphql-transport-ws"


@pytest.fixture
def client(engine_settings: Settings, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    with api_client(with_changes(engine_settings, request)) as test_client:
        yield test_client


def _build(client: TestClient, n: int, name: str, **extra: Any) -> None:
    made = data(client, UPSERT, input={"id": f"B{n}", "name": name, **extra})
    assert made["upsertBuilding"]["errors"] == []


def _relayed(client: TestClient, count: int) -> list[dict[str, Any]]:
    """The first `count` changes of the stream, once the relay has moved them there."""
    deadline = time.monotonic() + 30
    while True:
        query = "query ($n: Int!) { changes(first: $n) { edges { cursor } } }"
        edges = data(client, query, n=count)["changes"]["edges"]
        if len(edges) == count or time.monotonic() > deadline:
            return edges
        time.sleep(0.02)


def _subscribe(ws: WebSocketTestSession, query: str, **variables: Any) -> None:
    ws.send_json({"type": "connection_init"})
    assert ws.receive_json()["type"] == "connection_ack"
    ws.send_json(
        {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}
    )


def _next(ws: WebSocketTestSession) -> dict[str, Any]:
    message = ws.receive_json()
    assert message["type"] == "next", message
    return message["payload"]["data"]["changes"]


SUBSCRIPTION = """subscription ($after: String, $filter: ChangeFilter) {
  changes(after: $after, filter: $filter) {
    cursor kind entityType entityId changedFields values oldValues actor } }"""


def test_live_changes_and_resuming_from_a_cursor(client: TestClient) -> None:
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        _subscribe(ws, SUBSCRIPTION)
        _build(client, 1, "1栋", floors=5)
        _build(client, 1, "1号楼", floors=5)
        created, renamed = _next(ws), _next(ws)
    assert (created["kind"], created["entityId"]) == ("NODE_CREATED", "Building:B1")
    assert renamed["kind"] == "NODE_UPDATED"
    assert (renamed["values"], renamed["oldValues"]) == ({"name": "1号楼"}, {"name": "1栋"})
    # While nobody listens, two more changes; resuming after the first delivers the rest.
    _build(client, 2, "2栋")
    _build(client, 1, "一号楼")
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        _subscribe(ws, SUBSCRIPTION, after=created["cursor"])
        resumed = [_next(ws) for _ in range(3)]
    assert resumed[0]["cursor"] == renamed["cursor"]
    assert [c["entityId"] for c in resumed] == ["Building:B1", "Building:B2", "Building:B1"]


def test_filters_and_the_pull_query_agree(client: TestClient) -> None:
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        _subscribe(ws, SUBSCRIPTION, filter={"fields": ["floors"], "kinds": ["NODE_UPDATED"]})
        _build(client, 1, "1栋", floors=5)
        _build(client, 1, "1号楼", floors=5)  # a name only: not watched
        _build(client, 1, "1号楼", floors=6)
        only = _next(ws)
    assert (only["values"], only["oldValues"]) == ({"floors": 6}, {"floors": 5})
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        _subscribe(ws, SUBSCRIPTION, filter={"fields": ["hasElevator"]})
        _build(client, 1, "1号楼", floors=6, hasElevator=True)
        lift = _next(ws)
    assert lift["changedFields"] == ["hasElevator"]  # as the schema spells it
    assert (lift["values"], lift["oldValues"]) == ({"hasElevator": True}, {"hasElevator": None})
    pulled = data(
        client,
        """query ($filter: ChangeFilter) { changes(first: 10, filter: $filter) {
             edges { cursor node { kind values } } pageInfo { hasNextPage endCursor } } }""",
        filter={"fields": ["floors"], "kinds": ["NODE_UPDATED"]},
    )["changes"]
    assert [e["node"]["values"] for e in pulled["edges"]] == [{"floors": 6}]
    assert pulled["edges"][0]["cursor"] == only["cursor"]
    total = len(_relayed(client, 4))  # created, renamed, floors, lift
    everything = data(client, "{ changes(first: 2) { pageInfo { hasNextPage endCursor } } }")
    assert total == 4 and everything["changes"]["pageInfo"]["hasNextPage"] is True
    rest = data(
        client,
        """query ($after: String) {
             changes(after: $after) { edges { cursor } pageInfo { hasNextPage } } }""",
        after=everything["changes"]["pageInfo"]["endCursor"],
    )["changes"]
    assert len(rest["edges"]) == 2 and rest["pageInfo"]["hasNextPage"] is False


def test_bad_arguments_are_named(client: TestClient) -> None:
    bad = gql(client, '{ changes(after: "yesterday") { edges { cursor } } }')
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert bad["errors"][0]["message"].startswith("after:")
    unknown = gql(client, '{ changes(filter: {entityTypes: ["Castle"]}) { edges { cursor } } }')
    assert "filter.entityTypes: Castle" in unknown["errors"][0]["message"]
    moat = gql(client, '{ changes(filter: {fields: ["castleMoat"]}) { edges { cursor } } }')
    assert moat["errors"][0]["message"].startswith("filter.fields: castleMoat")
    loose = gql(client, '{ changes(filter: {ids: ["B1"]}) { edges { cursor } } }')
    assert loose["errors"][0]["message"].startswith("filter.ids: B1")
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        _subscribe(ws, SUBSCRIPTION, after="12-x")
        message = ws.receive_json()
    # An execution error: a `next` carrying it (graphql-transport-ws), then `complete`.
    assert message["type"] == "next", message
    [error] = message["payload"]["errors"]
    assert error["message"].startswith("after:")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_server_sent_events_carry_the_same_changes(client: TestClient) -> None:
    _build(client, 1, "1栋")
    [first] = _relayed(client, 1)
    _build(client, 2, "2栋")
    body = {"query": SUBSCRIPTION, "variables": {"after": first["cursor"]}}
    headers = {"accept": "text/event-stream"}
    with client.stream("POST", "/graphql", json=body, headers=headers) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        event = next(line for line in lines if line.startswith("event:"))
        payload = next(line for line in lines if line.startswith("data:"))
    assert event == "event: next"
    change = json.loads(payload.removeprefix("data:"))["data"]["changes"]
    assert (change["kind"], change["entityId"]) == ("NODE_CREATED", "Building:B2")


def test_history_of_a_node(client: TestClient) -> None:
    query = """query ($id: ID!, $after: String) { node(id: $id) { ... on Resident {
      changeHistory(first: 2, after: $after) {
        edges { cursor node { version kind actor changedFields values oldValues } }
        pageInfo { hasNextPage endCursor } } } } }"""
    resident = """mutation ($input: ResidentInput!) {
      upsertResident(input: $input) { errors { message } } }"""
    person = {"id": "R1", "name": "王芳", "gender": "FEMALE", "birthDate": "1950-03-04"}
    for changes in ({}, {"phone": "13800138000"}, {"name": "王芳芳"}):
        made = data(client, resident, input={**person, **changes})
        assert made["upsertResident"]["errors"] == []
    first = data(client, query, id="Resident:R1")["node"]["changeHistory"]
    created, phoned = (edge["node"] for edge in first["edges"])
    assert (created["kind"], created["version"]) == ("NODE_CREATED", 1)
    assert created["values"]["name"] == "王芳" and "phone" not in created["values"]
    assert phoned["changedFields"] == ["phone"]
    assert phoned["values"] == {} and phoned["oldValues"] == {}  # personal: named only
    assert first["pageInfo"]["hasNextPage"] is True
    rest = data(client, query, id="Resident:R1", after=first["pageInfo"]["endCursor"])
    [renamed] = [edge["node"] for edge in rest["node"]["changeHistory"]["edges"]]
    assert (renamed["version"], renamed["values"], renamed["oldValues"]) == (
        3,
        {"name": "王芳芳"},
        {"name": "王芳"},
    )


def test_subscribers_of_one_document_share_its_execution_and_directives_still_apply(
    client: TestClient,
) -> None:
    flagged = """subscription ($after: String, $values: Boolean!) {
      changes(after: $after) { cursor entityId values @include(if: $values) } }"""
    with (
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as plain,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as narrow,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as with_values,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as without_values,
    ):
        _subscribe(plain, SUBSCRIPTION)
        _subscribe(narrow, SUBSCRIPTION, filter={"ids": ["Building:B2"]})
        _subscribe(with_values, flagged, values=True)
        _subscribe(without_values, flagged, values=False)
        _build(client, 1, "1栋")
        _build(client, 2, "2栋")
        everything = [_next(plain), _next(plain)]
        only_b2 = _next(narrow)
        valued = [_next(with_values), _next(with_values)]
        bare = [_next(without_values), _next(without_values)]
    assert [c["entityId"] for c in everything] == ["Building:B1", "Building:B2"]
    assert only_b2 == everything[1]  # the same document: the same result, shared
    assert [c["values"]["name"] for c in valued] == ["1栋", "2栋"]
    assert all("values" not in c for c in bare)


def test_throttling_merges_an_entitys_changes_within_the_window(client: TestClient) -> None:
    throttled = """subscription { changes(throttleMs: 1000) {
      entityId kind changedFields values oldValues } }"""
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        _subscribe(ws, throttled)
        _build(client, 1, "甲")
        first = _next(ws)  # an entity's first change goes at once
        _build(client, 1, "乙")
        _build(client, 1, "丙", floors=3)
        _build(client, 2, "二栋")  # another entity: its own window
        merged = [_next(ws), _next(ws)]
    assert (first["kind"], first["values"]["name"]) == ("NODE_CREATED", "甲")
    other, one = sorted(merged, key=lambda c: c["entityId"] != "Building:B2")
    assert other["entityId"] == "Building:B2"
    assert one["entityId"] == "Building:B1" and one["kind"] == "NODE_UPDATED"
    assert one["values"] == {"name": "丙", "floors": 3}
    assert one["oldValues"] == {"name": "甲", "floors": None}
    assert set(one["changedFields"]) == {"name", "floors"}

"""Changes within a caller's rows, on both engines: a grid worker's subscription and pull query
carry only changes placed in its grids, an integrator given grids registers webhooks bounded to
them and sees no one else's, and roles whose rows are not grids get no change feed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth.principal import Role
from civicgraph.settings import Settings
from tests.api import scoped_world
from tests.api.conftest import data
from tests.auth import acting_as, api_client
from tests.changes.test_subscriptions import PROTOCOL, SUBSCRIPTION
from tests.streams import with_changes

RENAME = (
    """mutation ($input: BuildingInput!) { upsertBuilding(input: $input) { errors { code } } }"""
)
PULL = "query { changes(first: 1000) { edges { node { entityId sourceId targetId } } } }"
B_ONLY = {"Building:BB", "Household:HB", "Resident:RB2", "Device:DB", "Incident:IB"}


@pytest.fixture
def client(engine_settings: Settings, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    settings = with_changes(engine_settings, request, webhook_allow_private=True)
    with api_client(settings) as test_client:
        scoped_world.build(test_client.app.state.opened.store)  # type: ignore[attr-defined]
        yield test_client


def _as(client: TestClient, role: Role, **claims: Any) -> dict[str, str]:
    return acting_as(client, f"test-{role}", role, **claims)


def _pulled(client: TestClient, headers: dict[str, str], wanted: str) -> set[str]:
    """Every id the caller's pull query names, once `wanted` has been relayed."""
    deadline = time.monotonic() + 30
    while True:
        answer = client.post("/graphql", json={"query": PULL}, headers=headers).json()
        ids = {
            value
            for edge in answer["data"]["changes"]["edges"]
            for value in edge["node"].values()
            if value
        }
        if wanted in ids or time.monotonic() > deadline:
            return ids
        time.sleep(0.05)


def test_a_grid_worker_receives_only_the_changes_in_its_grids(client: TestClient) -> None:
    worker = _as(client, Role.GRID_WORKER, grids=("GA",))
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL], headers=worker) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        # Updates only: the relay may still be carrying the community's creation.
        wanted = {"filter": {"kinds": ["NODE_UPDATED"]}}
        payload = {"query": SUBSCRIPTION, "variables": wanted}
        ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        for key, name in (("BB", "乙栋新名"), ("BA", "甲栋新名")):
            renamed = data(client, RENAME, input={"id": key, "name": name})
            assert renamed["upsertBuilding"]["errors"] == []
        message = ws.receive_json()
    assert message["type"] == "next", message
    change = message["payload"]["data"]["changes"]
    assert (change["entityId"], change["values"]["name"]) == ("Building:BA", "甲栋新名")
    seen = _pulled(client, worker, "Resident:RA1")
    assert "Building:BA" in seen and "Resident:RA2" in seen
    assert not seen & B_ONLY
    # A relationship with an end outside the grids is not the worker's to see either.
    assert "Organisation:OA" in seen and "Resident:RB1" not in seen
    everything = _pulled(client, _as(client, Role.ADMIN), "Resident:RB2")
    assert everything >= B_ONLY


def test_roles_whose_rows_are_not_grids_get_no_change_feed(client: TestClient) -> None:
    for role, claims in (
        (Role.PROPERTY_COMPANY, {"org": "OP"}),
        (Role.RESIDENT, {"household": "HA"}),
    ):
        answer = client.post("/graphql", json={"query": PULL}, headers=_as(client, role, **claims))
        [error] = answer.json()["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN" and "change feed" in error["message"]


CREATE = """mutation ($url: String!) {
  createWebhook(input: {url: $url, secret: "s3cret-s3cret-s3cret"}) { id filter } }"""


def test_an_integrator_given_grids_keeps_to_its_own_webhooks(client: TestClient) -> None:
    integrator = _as(client, Role.INTEGRATOR, grids=("GB",))
    url = "http://127.0.0.1:9/hook"  # never delivered to here: only registered
    made = client.post(
        "/graphql", json={"query": CREATE, "variables": {"url": url}}, headers=integrator
    ).json()
    assert made["data"]["createWebhook"]["filter"]["withinGrids"] == ["GB"]
    admin_hook = data(client, CREATE, url=url)["createWebhook"]
    listed = client.post("/graphql", json={"query": "{ webhooks { id } }"}, headers=integrator)
    ids = {hook["id"] for hook in listed.json()["data"]["webhooks"]}
    assert ids == {made["data"]["createWebhook"]["id"]}
    removed = client.post(
        "/graphql",
        json={"query": f'mutation {{ deleteWebhook(id: "{admin_hook["id"]}") }}'},
        headers=integrator,
    ).json()
    assert removed["data"]["deleteWebhook"] is False
    assert {h["id"] for h in data(client, "{ webhooks { id } }")["webhooks"]} >= {admin_hook["id"]}
    # Another integrator, bounded to no grid, sees neither: webhooks belong to their owner.
    other = acting_as(client, "another-platform", Role.INTEGRATOR)
    theirs = client.post("/graphql", json={"query": "{ webhooks { id } }"}, headers=other)
    assert theirs.json()["data"]["webhooks"] == []

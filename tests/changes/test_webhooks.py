"""Webhooks through the API on FalkorDB (the stream in its server): signed deliveries in
order, a receiver that fails then recovers, a FAILING webhook's dead letters and their replay,
and refused URLs and secrets."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from civicgraph.settings import Engine, Settings
from events.webhooks.signing import verify
from tests.api.conftest import data, gql
from tests.auth import api_client
from tests.changes.receiver import Receiver

SECRET = "a-secret-of-the-integrator"
CREATE = """mutation ($input: WebhookInput!) {
  createWebhook(input: $input) { id status position } }"""
STATUS = """query ($id: ID!) { webhook(id: $id) {
  status timesSent timesFailed lastFailureReason position deadLetters { cursor reason } } }"""
UPSERT = """mutation ($input: BuildingInput!) {
  upsertBuilding(input: $input) { errors { message } } }"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    served = Receiver()
    yield served
    served.close()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        engine=Engine.FALKORDB,
        data_dir=tmp_path / "data",
        relay_poll_ms=5,
        webhook_allow_private=True,
        webhook_max_attempts=3,
        webhook_backoff_base_s=0.05,
        webhook_probe_s=0.3,
    )
    with api_client(settings) as test_client:
        yield test_client


def _build(client: TestClient, n: int, name: str) -> None:
    assert data(client, UPSERT, input={"id": f"B{n}", "name": name})["upsertBuilding"] == {
        "errors": []
    }


def _hook(client: TestClient, receiver: Receiver, **extra: Any) -> str:
    made = data(client, CREATE, input={"url": receiver.url, "secret": SECRET, **extra})
    assert made["createWebhook"]["status"] == "ACTIVE"
    return str(made["createWebhook"]["id"])


def _ids(deliveries: list[dict[str, Any]]) -> list[str]:
    return [d["body"]["change"]["entityId"] for d in deliveries]


def _status(client: TestClient, hook: str, until: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = data(client, STATUS, id=hook)["webhook"]
        if found["status"] == until or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def test_deliveries_are_signed_and_in_order(client: TestClient, receiver: Receiver) -> None:
    hook = _hook(client, receiver, filter={"entityTypes": ["Building"]})
    for n in range(1, 6):
        _build(client, n, f"{n}栋")
    _build(client, 1, "1号楼")
    deliveries = receiver.wait_for(6)
    assert _ids(deliveries) == [f"Building:B{n}" for n in (1, 2, 3, 4, 5, 1)]
    last = deliveries[-1]
    assert last["body"]["webhookId"] == hook
    assert last["body"]["change"]["kind"] == "NODE_UPDATED"
    assert last["body"]["change"]["values"] == {"name": "1号楼"}
    assert last["headers"]["X-Civicgraph-Event-Id"] == last["body"]["change"]["cursor"]
    signed = last["headers"]["X-Civicgraph-Signature"]
    assert verify(SECRET, signed, last["raw"], int(time.time()))
    assert not verify("another-secret-entirely", signed, last["raw"], int(time.time()))
    assert not verify(SECRET, signed, last["raw"], int(time.time()) + 3600)  # too late
    status = data(client, STATUS, id=hook)["webhook"]
    assert status["timesSent"] == 6 and status["status"] == "ACTIVE"


def test_a_receiver_that_fails_then_recovers_misses_nothing(
    client: TestClient, receiver: Receiver
) -> None:
    hook = _hook(client, receiver)
    receiver.refusing = 2  # fewer than the attempts allowed
    for n in range(1, 6):
        _build(client, n, f"{n}栋")
    deliveries = receiver.wait_for(5)
    assert _ids(deliveries) == [f"Building:B{n}" for n in range(1, 6)]
    status = data(client, STATUS, id=hook)["webhook"]
    assert (status["status"], status["timesFailed"], status["timesSent"]) == ("ACTIVE", 2, 5)
    assert status["lastFailureReason"] == "HTTP 500"


def test_a_failing_webhook_dead_letters_and_replays(client: TestClient, receiver: Receiver) -> None:
    hook = _hook(client, receiver)
    receiver.refusing = 10**6
    for n in range(1, 4):
        _build(client, n, f"{n}栋")
    failing = _status(client, hook, "FAILING")
    assert failing["status"] == "FAILING"
    assert failing["deadLetters"][0]["reason"] == "HTTP 500"
    receiver.refusing = 0
    for n in range(4, 6):
        _build(client, n, f"{n}栋")
    assert _status(client, hook, "ACTIVE")["status"] == "ACTIVE"  # a probe got through
    dead = [d["cursor"] for d in data(client, STATUS, id=hook)["webhook"]["deadLetters"]]
    assert dead  # what failed waits to be replayed
    # Replay from just before the first dead letter: everything after it comes again, in
    # order (what had got through too: receivers tell repeats by their event id).
    pulled = data(client, "{ changes(first: 100) { edges { cursor node { entityId } } } }")
    cursors = [e["cursor"] for e in pulled["changes"]["edges"]]
    start = cursors.index(dead[0])
    after = cursors[start - 1] if start else "0-0"
    delivered = len(receiver.wait_for(5 - len(dead)))
    replay = """mutation ($id: ID!, $after: String!) {
      replayWebhook(id: $id, after: $after) { status deadLetters { cursor } } }"""
    replayed = data(client, replay, id=hook, after=after)["replayWebhook"]
    assert replayed == {"status": "ACTIVE", "deadLetters": []}
    expected = [e["node"]["entityId"] for e in pulled["changes"]["edges"][start:]]
    everything = receiver.wait_for(delivered + len(expected))
    assert _ids(everything[delivered:]) == expected
    assert set(_ids(everything)) == {f"Building:B{n}" for n in range(1, 6)}


def test_bad_webhooks_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    settings = Settings(engine=Engine.FALKORDB, data_dir=tmp_path / "data")
    with api_client(settings) as client:
        for url, where in (
            ("ftp://example.com/hook", "input.url: only http and https"),
            ("http://127.0.0.1:9/hook", "input.url: 127.0.0.1 is a loopback or private"),
            ("http://user:pw@example.com/", "input.url: must not hold credentials"),
        ):
            refused = gql(client, CREATE, input={"url": url, "secret": SECRET})
            assert refused["errors"][0]["message"].startswith(where), refused
        short = gql(client, CREATE, input={"url": "https://93.184.216.34/hook", "secret": "x" * 5})
        assert short["errors"][0]["message"].startswith("input.secret:")
        bad_after = gql(
            client,
            CREATE,
            input={"url": "https://93.184.216.34/hook", "secret": SECRET, "after": "x"},
        )
        assert bad_after["errors"][0]["message"].startswith("input.after:")
        assert data(client, "{ webhooks { id } }") == {"webhooks": []}

"""`saveRiskAssessment` on both engines: scores stored on the nodes a fire at building BA
rates, a `RISK_ALERT` change event for each node whose score rose to the threshold (and none
when it was already there), delivered through the change feed to an integrator's
subscription, but never an alert about a resident to a role that may not read residents'
tags; a resident's saved score is shown as the tags are."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth.principal import Role
from civicgraph.settings import Settings
from tests.api import scoped_world
from tests.auth import acting_as, api_client
from tests.changes.test_subscriptions import PROTOCOL
from tests.streams import with_changes

SAVE = """mutation ($input: RiskAssessmentInput!, $threshold: Float!) {
  saveRiskAssessment(input: $input, threshold: $threshold) {
    assessmentId savedAt saved alerts alerted { id } } }"""
FIRE = {"sources": ["Building:BA"], "hazard": "FIRE", "severity": "HIGH", "first": 50}
ALERTS = """subscription { changes(filter: {kinds: [RISK_ALERT]}) {
  kind entityId values } }"""
PULL = """query { changes(first: 1000, filter: {kinds: [RISK_ALERT]}) {
  edges { node { entityId values } } } }"""


@pytest.fixture
def client(engine_settings: Settings, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    with api_client(with_changes(engine_settings, request)) as test_client:
        scoped_world.build(test_client.app.state.opened.store)  # type: ignore[attr-defined]
        yield test_client


def _data(
    client: TestClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> Any:
    answer = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    ).json()
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def _scores(client: TestClient) -> dict[str, float]:
    """Every node's score in a plain assessment of the same fire."""
    query = """query ($input: RiskAssessmentInput!) { riskAssessment(input: $input) {
      items { score node { id } } } }"""
    found = _data(client, query, input=FIRE)["riskAssessment"]["items"]
    return {item["node"]["id"]: item["score"] for item in found}


def _pulled(client: TestClient, headers: dict[str, str], count: int) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        answer = client.post("/graphql", json={"query": PULL}, headers=headers).json()
        edges = answer["data"]["changes"]["edges"]
        if len(edges) >= count or time.monotonic() > deadline:
            return {e["node"]["entityId"]: e["node"]["values"] for e in edges}
        time.sleep(0.05)


def test_saved_scores_raise_alerts_when_they_cross_the_threshold(client: TestClient) -> None:
    scores = _scores(client)
    threshold = sorted(scores.values())[len(scores) // 2]  # about half of them cross it
    crossing = {node for node, score in scores.items() if score >= threshold}
    assert crossing and crossing != set(scores)
    integrator = acting_as(client, "alerts", Role.INTEGRATOR)
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL], headers=integrator) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": ALERTS}})
        saved = _data(client, SAVE, input=FIRE, threshold=threshold)["saveRiskAssessment"]
        message = ws.receive_json()
    assert saved["saved"] >= len(scores) and saved["alerts"] >= len(crossing)
    assert crossing <= {node["id"] for node in saved["alerted"]}
    assert message["type"] == "next", message
    alert = message["payload"]["data"]["changes"]
    assert alert["kind"] == "RISK_ALERT" and not alert["entityId"].startswith("Resident:")
    assert alert["values"]["hazard"] == "fire"  # values are stored codes, as in every change
    assert alert["values"]["threshold"] == threshold
    assert alert["values"]["assessmentId"] == saved["assessmentId"]
    # An administrator's feed carries every alert, residents' too, with the score saved.
    everything = _pulled(client, {}, saved["alerts"])
    assert set(everything) == {node["id"] for node in saved["alerted"]}
    assert any(node.startswith("Resident:") for node in everything)
    for node, score in scores.items():
        if node in crossing:
            assert everything[node]["riskScore"] == pytest.approx(score, abs=1e-6)
    # The integrator's pull query: the same alerts but those about residents.
    own = _pulled(client, integrator, len([n for n in everything if "Resident:" not in n]))
    assert set(own) == {n for n in everything if not n.startswith("Resident:")}
    # Saved again: every score is where it was, above or below, so nothing crosses.
    again = _data(client, SAVE, input=FIRE, threshold=threshold)["saveRiskAssessment"]
    assert again["alerts"] == 0 and again["saved"] == saved["saved"]


def test_a_saved_score_reads_on_its_node_a_residents_as_their_tags(client: TestClient) -> None:
    saved = _data(client, SAVE, input=FIRE, threshold=100.0)["saveRiskAssessment"]
    assert saved["alerts"] == 0 and saved["saved"] > 0
    query = """{ building: node(id: "Building:BA") { ... on Building { risk { score hazard
      assessmentId assessedAt } } } resident: node(id: "Resident:RA1") { ... on Resident { risk {
      score } } } }"""
    stated = _data(client, query, headers={"X-Purpose": "emergency"})
    building = stated["building"]["risk"]
    assert building["hazard"] == "FIRE" and building["assessmentId"] == saved["assessmentId"]
    assert datetime.fromisoformat(building["assessedAt"]) == datetime.fromisoformat(
        saved["savedAt"]
    )
    assert building["score"] > 0 and stated["resident"]["risk"]["score"] > 0
    worker = acting_as(client, "worker", Role.GRID_WORKER, grids=("GA",))
    company = acting_as(client, "company", Role.PROPERTY_COMPANY, org="OP")
    assert _data(client, query, headers=worker)["resident"]["risk"]["score"] > 0
    by_company = _data(client, query, headers=company)
    assert by_company["building"]["risk"]["score"] > 0 and by_company["resident"]["risk"] is None
    # Already above a low threshold: no alert. A score for another hazard counts as none.
    low = _data(client, SAVE, input=FIRE, threshold=0.001)["saveRiskAssessment"]
    assert low["alerts"] == 0
    gas = _data(client, SAVE, input={**FIRE, "hazard": "GAS_LEAK"}, threshold=0.001)
    assert gas["saveRiskAssessment"]["alerts"] == gas["saveRiskAssessment"]["saved"] > 0
    # Grid workers save within their grids only; investigators may not save.
    mine = _data(client, SAVE, input=FIRE, threshold=100.0, headers=worker)
    assert 0 < mine["saveRiskAssessment"]["saved"] < saved["saved"]
    investigator = acting_as(client, "inv", Role.INVESTIGATOR)
    refused = client.post(
        "/graphql",
        json={"query": SAVE, "variables": {"input": FIRE, "threshold": 1.0}},
        headers=investigator,
    ).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = client.post(
        "/graphql", json={"query": SAVE, "variables": {"input": FIRE, "threshold": 0}}
    ).json()
    assert bad["errors"][0]["message"] == "threshold: give a score above 0"

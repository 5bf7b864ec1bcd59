"""The incident closed loop through GraphQL, on both engines."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient

from tests.api.conftest import data
from tests.auth import acting_as

REPORT = """mutation ($input: ReportIncidentInput!) {
  reportIncident(input: $input) {
    created errors { path code message }
    node { id version ... on Incident { status severity building { id } } }
  }
}"""
STEP = """mutation ($id: ID!, $note: String, $v: Int) {
  %s(id: $id, note: $note, expectedVersion: $v) {
    errors { path code message }
    node { version ... on Incident { status deadlineAt overdue
      history { actor action fromStatus toStatus note } } }
  }
}"""
DISPATCH = """mutation ($id: ID!, $to: ID!) {
  dispatchIncident(id: $id, assignee: $to) {
    errors { path code message }
    node { ... on Incident { status assignedTo { id } } }
  }
}"""


def call(client: TestClient, query: str, actor: str = "网格员张三", **variables: object) -> dict:
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=acting_as(client, actor)
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_report_and_work_an_incident_to_closure(client: TestClient) -> None:
    reported = call(
        client,
        REPORT,
        input={
            "category": "GAS_LEAK",
            "severity": "HIGH",
            "description": "3单元闻到燃气味",
            "place": "Building:B000001",
        },
    )["reportIncident"]
    assert reported["errors"] == [] and reported["created"]
    node = reported["node"]
    assert node["status"] == "REPORTED" and node["building"]["id"] == "Building:B000001"
    incident_id = node["id"]
    step = call(client, STEP % "acceptIncident", id=incident_id, note="已受理")
    assert step["acceptIncident"]["node"]["status"] == "ACCEPTED"
    refused = call(client, STEP % "closeIncident", id=incident_id)["closeIncident"]
    assert refused["node"] is None
    assert refused["errors"][0]["code"] == "TRANSITION_NOT_ALLOWED"
    assert "allowed: register, void" in refused["errors"][0]["message"]
    registered = call(client, STEP % "registerIncident", id=incident_id)["registerIncident"]
    assert registered["node"]["deadlineAt"] and registered["node"]["overdue"] is False
    org = data(client, "{ organisations(first: 1) { nodes { id } } }")["organisations"]
    assignee = org["nodes"][0]["id"]
    bad = call(client, DISPATCH, id=incident_id, to="Organisation:NOPE")["dispatchIncident"]
    assert bad["errors"][0]["code"] == "UNKNOWN_REFERENCE"
    dispatched = call(client, DISPATCH, id=incident_id, to=assignee)["dispatchIncident"]
    assert dispatched["node"] == {"status": "DISPATCHED", "assignedTo": {"id": assignee}}
    for name in ("handleIncident", "verifyIncident"):
        call(client, STEP % name, actor="街道核查员", id=incident_id)
    stale = call(client, STEP % "closeIncident", id=incident_id, v=1)["closeIncident"]
    assert stale["errors"][0]["code"] == "VERSION_CONFLICT"
    closed = call(client, STEP % "closeIncident", id=incident_id, note="已结案")["closeIncident"]
    history = closed["node"]["history"]
    assert [h["toStatus"] for h in history] == [
        "REPORTED",
        "ACCEPTED",
        "REGISTERED",
        "DISPATCHED",
        "HANDLED",
        "VERIFIED",
        "CLOSED",
    ]
    assert history[0]["action"] == "report" and history[0]["fromStatus"] is None
    assert history[1] == {
        "actor": "网格员张三",
        "action": "accept",
        "fromStatus": "REPORTED",
        "toStatus": "ACCEPTED",
        "note": "已受理",
    }
    assert history[4]["actor"] == "街道核查员"


def test_overdue_incidents_are_listed(client: TestClient) -> None:
    """The demo's incidents walked the closed loop: open ones registered long ago are late."""
    listed = data(
        client,
        "{ overdueIncidents(first: 100) { totalCount nodes { id "
        "... on Incident { overdue status deadlineAt history { action } } } } }",
    )["overdueIncidents"]
    assert listed["totalCount"] > 0
    assert all(n["overdue"] and n["deadlineAt"] for n in listed["nodes"])
    assert all(n["history"][0]["action"] == "report" for n in listed["nodes"])
    assert all("register" in [h["action"] for h in n["history"]] for n in listed["nodes"])
    filtered = data(client, "{ incidents(filter: {overdue: true}) { totalCount } }")
    assert filtered["incidents"]["totalCount"] == listed["totalCount"]


def test_demo_incidents_carry_the_steps_to_their_state(client: TestClient) -> None:
    incidents = data(
        client,
        "{ incidents(first: 500) { nodes { ... on Incident { status "
        "history { action fromStatus toStatus } } } } }",
    )["incidents"]["nodes"]
    for incident in incidents:
        steps = incident["history"]
        assert steps[0]["toStatus"] == "REPORTED" and steps[-1]["toStatus"] == incident["status"]
        assert all(a["toStatus"] == b["fromStatus"] for a, b in itertools.pairwise(steps))


UPSERT = """mutation ($input: IncidentInput!, $v: Int) {
  upsertIncident(input: $input, expectedVersion: $v) {
    errors { path message code } node { ... on Incident { status history { action } } } } }"""


def test_an_upsert_cannot_move_an_incident_past_the_workflow(client: TestClient) -> None:
    reported = call(client, REPORT, input={"category": "FIRE", "place": "Building:B000001"})[
        "reportIncident"
    ]["node"]
    given = {
        "id": reported["id"].split(":", 1)[1],
        "category": "FIRE",
        "status": "CLOSED",
        "reportedAt": "2026-11-23T08:00:00Z",
    }
    refused = call(client, UPSERT, input=given, v=1)["upsertIncident"]
    assert refused["node"] is None
    assert refused["errors"][0]["code"] == "TRANSITION_NOT_ALLOWED"
    assert refused["errors"][0]["path"] == ["input", "status"]
    assert "allowed: accept, void" in refused["errors"][0]["message"]
    status = data(client, f'{{ node(id: "{reported["id"]}") {{ ... on Incident {{ status }} }} }}')
    assert status["node"]["status"] == "REPORTED"
    created_closed = call(client, UPSERT, input={**given, "id": "INEW1"})["upsertIncident"]
    assert created_closed["errors"][0]["code"] == "TRANSITION_NOT_ALLOWED"
    created = call(client, UPSERT, input={**given, "id": "INEW1", "status": "REPORTED"})
    assert created["upsertIncident"]["node"]["history"] == [{"action": "report"}]


def test_reporting_needs_a_real_place(client: TestClient) -> None:
    result = call(client, REPORT, input={"category": "FIRE", "place": "Resident:R00000001"})
    assert result["reportIncident"]["errors"][0]["path"] == ["input.place"]
    result = call(client, REPORT, input={"category": "FIRE", "place": "Building:NOPE"})
    assert result["reportIncident"]["errors"][0]["code"] == "UNKNOWN_REFERENCE"


def test_an_upsert_keeps_the_history_the_product_manages(client: TestClient) -> None:
    reported = call(
        client,
        REPORT,
        input={"category": "FIRE", "severity": "HIGH", "place": "Building:B000001"},
    )["reportIncident"]["node"]
    call(client, STEP % "acceptIncident", id=reported["id"], note="已受理")
    edited = call(
        client,
        """mutation ($input: IncidentInput!) { upsertIncident(input: $input) {
          errors { message } node { ... on Incident { status description
            history { action toStatus } } } } }""",
        input={
            "id": reported["id"].split(":", 1)[1],
            "category": "FIRE",
            "severity": "HIGH",
            "status": "ACCEPTED",
            "reportedAt": "2026-11-23T08:00:00Z",
            "description": "补充：2楼楼道",
        },
    )["upsertIncident"]
    assert edited["errors"] == []
    assert edited["node"]["description"] == "补充：2楼楼道"
    assert edited["node"]["history"] == [
        {"action": "report", "toStatus": "REPORTED"},
        {"action": "accept", "toStatus": "ACCEPTED"},
    ]

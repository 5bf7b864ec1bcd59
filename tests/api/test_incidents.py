"""The incident closed loop through GraphQL, on both engines."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.api.conftest import data

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
        "/graphql", json={"query": query, "variables": variables}, headers={"x-actor": quote(actor)}
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
    assert bad["errors"][0]["code"] == "INVALID_INPUT"
    dispatched = call(client, DISPATCH, id=incident_id, to=assignee)["dispatchIncident"]
    assert dispatched["node"] == {"status": "DISPATCHED", "assignedTo": {"id": assignee}}
    for name in ("handleIncident", "verifyIncident"):
        call(client, STEP % name, actor="街道核查员", id=incident_id)
    stale = call(client, STEP % "closeIncident", id=incident_id, v=1)["closeIncident"]
    assert stale["errors"][0]["code"] == "VERSION_CONFLICT"
    closed = call(client, STEP % "closeIncident", id=incident_id, note="已结案")["closeIncident"]
    history = closed["node"]["history"]
    assert [h["toStatus"] for h in history] == [
        "ACCEPTED",
        "REGISTERED",
        "DISPATCHED",
        "HANDLED",
        "VERIFIED",
        "CLOSED",
    ]
    assert history[0] == {
        "actor": "网格员张三",
        "action": "accept",
        "fromStatus": "REPORTED",
        "toStatus": "ACCEPTED",
        "note": "已受理",
    }
    assert history[3]["actor"] == "街道核查员"


def test_overdue_incidents_are_listed(client: TestClient) -> None:
    late = """mutation { upsertIncident(input: {id: "ILATE", category: FIRE, severity: HIGH,
        status: DISPATCHED, reportedAt: "2026-01-01T00:00:00Z",
        deadlineAt: "2026-01-02T00:00:00Z"}) { errors { path } } }"""
    assert call(client, late)["upsertIncident"]["errors"] == []
    listed = data(
        client,
        "{ overdueIncidents(first: 100) { totalCount nodes { id "
        "... on Incident { overdue status } } } }",
    )["overdueIncidents"]
    ids = [n["id"] for n in listed["nodes"]]
    assert "Incident:ILATE" in ids and all(n["overdue"] for n in listed["nodes"])
    filtered = data(client, "{ incidents(filter: {overdue: true}) { totalCount } }")
    assert filtered["incidents"]["totalCount"] == listed["totalCount"]


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
    assert edited["node"]["history"] == [{"action": "accept", "toStatus": "ACCEPTED"}]

"""Device alerts through HTTP: incidents linked to device and building, folding, refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.auth.principal import Role
from tests.api.conftest import data
from tests.auth import acting_as

INCIDENT = """query ($id: ID!) { node(id: $id) { ... on Incident {
  category severity status source alertCount lastAlertAt provenance { sources actor }
  raisedBy { id } building { id } } } }"""


def a_smoke_alarm(client: TestClient) -> tuple[str, str]:
    devices = data(
        client,
        "{ devices(first: 1, filter: {kind: {eq: SMOKE_ALARM}}) "
        "{ nodes { id installedIn { id } } } }",
    )["devices"]["nodes"]
    return devices[0]["id"].split(":", 1)[1], devices[0]["installedIn"]["id"]


def test_alerts_open_one_incident_and_fold_repeats(client: TestClient) -> None:
    device, building = a_smoke_alarm(client)
    first = client.post(
        "/ingest/alerts",
        json={"device_id": device, "kind": "smoke", "reading": 0.31, "at": "2026-11-20T08:00:00Z"},
        headers=acting_as(client, "gateway-7", Role.INTEGRATOR),
    )
    assert first.status_code == 200, first.text
    [opened] = first.json()["incidents"]
    assert opened["created"] and opened["alerts"] == 1
    repeats = client.post(
        "/ingest/alerts",
        json=[
            {"device_id": device, "kind": "smoke", "reading": 0.4, "at": "2026-11-20T08:10:00Z"},
            {"device_id": device, "kind": "smoke", "reading": 0.5, "time": "2026-11-20T08:20:00Z"},
        ],
    ).json()["incidents"]
    assert repeats == [{"id": opened["id"], "created": False, "alerts": 2, "resent": 0}]
    incident = data(client, INCIDENT, id=opened["id"])["node"]
    assert incident == {
        "category": "FIRE",
        "severity": "HIGH",
        "status": "REPORTED",
        "source": "DEVICE_ALERT",
        "alertCount": 3,
        "provenance": {"sources": ["device_alert"], "actor": "test-admin"},
        "lastAlertAt": "2026-11-20T08:20:00Z",
        "raisedBy": {"id": f"Device:{device}"},
        "building": {"id": building},
    }
    later = client.post(
        "/ingest/alerts",
        json={"device_id": device, "kind": "smoke", "at": "2026-11-20T12:00:00+08:00"},
    ).json()["incidents"]
    # 12:00+08:00 is 04:00Z, hours away from the open incident's alerts: a new incident.
    assert later[0]["created"] is True and later[0]["id"] != opened["id"]


def test_unknown_device_or_bad_alert_is_refused_and_nothing_written(client: TestClient) -> None:
    device, _ = a_smoke_alarm(client)
    before = data(client, "{ incidents(first: 1) { totalCount } }")["incidents"]["totalCount"]
    unknown = client.post(
        "/ingest/alerts",
        json=[
            {"device_id": device, "kind": "smoke", "at": "2026-11-21T08:00:00Z"},
            {"device_id": "D-NOPE", "kind": "smoke", "at": "2026-11-21T08:00:00Z"},
        ],
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"loc": [1, "device_id"], "msg": "unknown device D-NOPE"}]
    bad = client.post("/ingest/alerts", json={"device_id": device, "kind": "smoke", "at": "soon"})
    assert bad.status_code == 422 and bad.json()["errors"] == [
        {"loc": [0, "at"], "msg": bad.json()["errors"][0]["msg"]}
    ]
    not_an_alert = client.post("/ingest/alerts", json=5)
    assert not_an_alert.status_code == 422 and not_an_alert.json()["errors"][0]["loc"] == []
    kind = client.post(
        "/ingest/alerts", json={"device_id": device, "kind": "meteor", "at": "2026-11-21T08:00:00Z"}
    )
    assert kind.status_code == 422 and kind.json()["errors"][0]["loc"] == [0, "kind"]
    not_json = client.post(
        "/ingest/alerts", content=b"{", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400
    after = data(client, "{ incidents(first: 1) { totalCount } }")["incidents"]["totalCount"]
    assert after == before


def test_a_resent_alert_is_recognised_and_never_reopens_a_closed_incident(
    client: TestClient,
) -> None:
    device, _ = a_smoke_alarm(client)
    alerts = [
        {"device_id": device, "kind": "smoke", "reading": 0.3, "at": "2026-11-22T08:00:00Z"},
        {"device_id": device, "kind": "smoke", "reading": 0.4, "at": "2026-11-22T08:05:00Z"},
    ]
    [first] = client.post("/ingest/alerts", json=alerts).json()["incidents"]
    assert (first["created"], first["alerts"], first["resent"]) == (True, 2, 0)
    # The gateway timed out and sends the same alerts again, with one new one.
    later = {"device_id": device, "kind": "smoke", "reading": 0.5, "at": "2026-11-22T08:10:00Z"}
    [again] = client.post("/ingest/alerts", json=[*alerts, later]).json()["incidents"]
    assert again == {"id": first["id"], "created": False, "alerts": 3, "resent": 2}
    incident = data(client, INCIDENT, id=first["id"])["node"]
    assert (incident["alertCount"], incident["lastAlertAt"]) == (3, "2026-11-22T08:10:00Z")
    voided = data(
        client,
        'mutation ($id: ID!) { voidIncident(id: $id, note: "false alarm") { errors { message } } }',
        id=first["id"],
    )
    assert voided["voidIncident"]["errors"] == []
    # A late resend of the first alert: the incident it opened stays void, and nothing opens.
    [late] = client.post("/ingest/alerts", json=alerts[0]).json()["incidents"]
    assert late == {"id": first["id"], "created": False, "alerts": 1, "resent": 1}
    incident = data(client, INCIDENT, id=first["id"])["node"]
    assert (incident["status"], incident["alertCount"]) == ("VOID", 3)

"""The audit trail on both engines: every write through the API (and every refused one) is
recorded with its principal, operation, entities and the names of the personal fields it wrote,
never their values; the hash chain shows any edit or removal; `auditLog` is for administrators;
`civicgraph audit verify` and `export` work on the trail as stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict

from fastapi.testclient import TestClient

from api.auth.principal import Role
from civicgraph.settings import Settings
from graph.audit import every_entry, verify_chain
from tests.api.conftest import data
from tests.auth import acting_as, api_client, bearer
from tests.factories import id_number

BUILDING = """mutation Build($id: String!) {
  upsertBuilding(input: {id: $id, name: "审计楼"}) { errors { code } } }"""
RESIDENT = (
    """mutation ($input: ResidentInput!) { upsertResident(input: $input) { errors { code } } }"""
)
LOG = """query ($after: String) { auditLog(first: 2, after: $after) {
  entries { seq actor role operation fields nodeIds personalFields outcome hash prevHash }
  endCursor hasNextPage } }"""
PHONE = "13912345678"


def _post(client: TestClient, query: str, headers: dict[str, str], **variables: object) -> None:
    client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def _trail(store: object) -> list:
    return list(every_entry(store.audit_entries))  # type: ignore[attr-defined]


def test_writes_are_audited_chained_and_carry_no_personal_values(
    engine_settings: Settings,
) -> None:
    number = id_number(serial=7)
    with api_client(engine_settings) as client:
        store = client.app.state.opened.store  # type: ignore[attr-defined]
        headers = acting_as(client, "网格员张三")
        client.post(
            "/graphql", json={"query": BUILDING, "variables": {"id": "BA1"}}, headers=headers
        )
        person = {
            "id": "RA1",
            "name": "李四",
            "gender": "MALE",
            "birthDate": "1990-01-01",
            "idNumber": number,
            "phone": PHONE,
        }
        made = client.post("/graphql", json={"query": RESIDENT, "variables": {"input": person}})
        assert made.json()["data"]["upsertResident"]["errors"] == []
        data(client, "{ stats { buildings } }")  # a read of no personal field: not audited
        refused = bearer(client.app_settings, Role.INVESTIGATOR, "analyst")  # type: ignore[attr-defined]
        client.post(
            "/graphql", json={"query": BUILDING, "variables": {"id": "BA2"}}, headers=refused
        )
        gateway = acting_as(client, "gateway-9", Role.INTEGRATOR)
        alert = {"device_id": "NOPE", "kind": "smoke", "at": "2026-11-20T08:00:00Z"}
        assert client.post("/ingest/alerts", json=alert, headers=gateway).status_code == 422

        trail = _trail(store)
        assert [(e.actor, e.role, e.operation, e.outcome) for e in trail] == [
            ("网格员张三", "admin", "Build", "ok"),
            ("test-admin", "admin", "upsertResident", "ok"),
            ("analyst", "investigator", "Build", "errors"),
            ("gateway-9", "integrator", "POST /ingest/alerts", "errors"),
        ]
        built, resident = trail[0], trail[1]
        assert built.fields == ("upsertBuilding",) and built.node_ids == ("Building:BA1",)
        assert resident.node_ids == ("Resident:RA1",)
        assert resident.personal_fields == ("idNumber", "phone")
        assert trail[3].node_ids == ("Device:NOPE",)
        assert all(e.client for e in trail)
        stored = json.dumps([asdict(e) for e in trail], ensure_ascii=False)
        assert PHONE not in stored and number not in stored
        assert verify_chain(trail, store.audit_head()[0]).broken_at is None

        first = data(client, LOG)["auditLog"]
        assert [e["seq"] for e in first["entries"]] == [1, 2] and first["hasNextPage"]
        assert first["entries"][1]["prevHash"] == first["entries"][0]["hash"]
        rest = data(client, LOG, after=first["endCursor"])["auditLog"]
        assert [e["seq"] for e in rest["entries"]] == [3, 4] and not rest["hasNextPage"]
        forbidden = client.post("/graphql", json={"query": LOG}, headers=refused).json()
        assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert len(_trail(store)) == 4  # reads (of no personal field) add nothing


def test_an_edited_or_removed_entry_breaks_the_chain(engine_settings: Settings) -> None:
    with api_client(engine_settings) as client:
        store = client.app.state.opened.store  # type: ignore[attr-defined]
        for n in range(1, 5):
            client.post("/graphql", json={"query": BUILDING, "variables": {"id": f"BB{n}"}})
        head = store.audit_head()[0]
        assert head == 4 and verify_chain(_trail(store), head).broken_at is None
        store.session.write("MATCH (e:AuditEntry {seq: 2}) SET e.actor = 'someone-else'")
        check = verify_chain(_trail(store), head)
        assert (check.broken_at, check.reason) == (2, "its content does not match its hash")
        store.session.write("MATCH (e:AuditEntry {seq: 2}) SET e.actor = 'test-admin'")
        assert verify_chain(_trail(store), head).broken_at is None  # put back as it was
        store.session.write("MATCH (e:AuditEntry {seq: 3}) DELETE e")
        assert verify_chain(_trail(store), head).broken_at == 3
        store.session.write("MATCH (e:AuditEntry) WHERE e.seq >= 3 DELETE e")
        check = verify_chain(_trail(store), head)  # the tail cut off: only the head knows
        assert check.broken_at == 3 and "head says 4" in check.reason


def test_the_command_line_verifies_and_exports(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, changes=False)
    with api_client(settings) as client:
        for n in range(1, 4):
            client.post("/graphql", json={"query": BUILDING, "variables": {"id": f"BC{n}"}})
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    env["CIVICGRAPH_DATA_DIR"] = str(tmp_path)

    def civicgraph(*arguments: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "civicgraph", *arguments]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    verified = civicgraph("audit", "verify")
    assert verified.returncode == 0 and "intact: 3 entries" in verified.stdout
    exported = civicgraph("audit", "export", "--since", "2000-01-01")
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3] and lines[0]["operation"] == "Build"
    assert civicgraph("audit", "export", "--since", "2999-01-01").stdout == ""
    with api_client(settings) as client:
        store = client.app.state.opened.store  # type: ignore[attr-defined]
        store.session.write("MATCH (e:AuditEntry {seq: 1}) SET e.operation = 'nothing'")
    broken = civicgraph("audit", "verify")
    assert broken.returncode == 1 and "broken at entry 1" in broken.stderr

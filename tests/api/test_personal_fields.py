"""Personal fields on both engines: masked or withheld without a purpose the caller's role
permits, shown with one (header or argument) and then audited; never shown to integrators;
an unknown or unpermitted purpose is refused by name."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.auth.principal import Role
from civicgraph.settings import Settings
from tests.auth import acting_as, api_client
from tests.factories import id_number

PERSON = """query ($id: ID!) { node(id: $id) { ... on Resident { name idNumber phone tags } } }"""
ARGUMENT = """query ($id: ID!) { node(id: $id) { ... on Resident {
  idNumber(purpose: CASE) phone(purpose: CASE) } } }"""
WELFARE = (
    """query ($id: ID!) { node(id: $id) { ... on Resident { idNumber(purpose: WELFARE) } } }"""
)
CREATE = (
    """mutation ($input: ResidentInput!) { upsertResident(input: $input) { errors { code } } }"""
)
PHONE = "13912345678"


def _ask(client: TestClient, query: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(
        "/graphql", json={"query": query, "variables": {"id": "Resident:RP1"}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_personal_fields_open_only_with_a_permitted_purpose(engine_settings: Settings) -> None:
    number = id_number(serial=9)
    person = {
        "id": "RP1",
        "name": "王五",
        "gender": "MALE",
        "birthDate": "1990-01-01",
        "idNumber": number,
        "phone": PHONE,
        "tags": ["ELDERLY_LIVING_ALONE", "DISABLED"],
    }
    with api_client(engine_settings) as client:
        store = client.app.state.opened.store  # type: ignore[attr-defined]
        made = client.post("/graphql", json={"query": CREATE, "variables": {"input": person}})
        assert made.json()["data"]["upsertResident"]["errors"] == []
        written = len(store.audit_entries())
        admin = acting_as(client, "admin-1")

        closed = _ask(client, PERSON, admin)["data"]["node"]
        assert closed == {
            "name": "王五",
            "idNumber": number[:6] + "********" + number[-4:],
            "phone": "139****5678",
            "tags": None,
        }
        assert len(store.audit_entries()) == written  # nothing shown, nothing audited

        opened = _ask(client, PERSON, {**admin, "X-Purpose": "emergency"})["data"]["node"]
        assert opened["idNumber"] == number and opened["phone"] == PHONE
        assert sorted(opened["tags"]) == ["DISABLED", "ELDERLY_LIVING_ALONE"]
        [entry] = store.audit_entries(written)
        assert (entry.actor, entry.purpose) == ("admin-1", "emergency")
        assert entry.node_ids == ("Resident:RP1",)
        assert entry.personal_fields == ("idNumber", "phone", "tags")
        assert number not in str(entry) and PHONE not in str(entry)

        analyst = acting_as(client, "analyst", Role.INVESTIGATOR)
        by_argument = _ask(client, ARGUMENT, analyst)["data"]["node"]
        assert by_argument == {"idNumber": number, "phone": PHONE}
        assert store.audit_entries(written + 1)[0].purpose == "case"
        refused = _ask(client, WELFARE, analyst)
        assert refused["data"]["node"]["idNumber"] is None
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "welfare" in refused["errors"][0]["message"]
        unknown = _ask(client, PERSON, {**admin, "X-Purpose": "curiosity"})
        assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "X-Purpose" in unknown["errors"][0]["message"]

        gateway = acting_as(client, "gateway", Role.INTEGRATOR)
        hidden = _ask(client, PERSON, {**gateway, "X-Purpose": "emergency"})["data"]["node"]
        assert hidden == {"name": "王五", "idNumber": None, "phone": None, "tags": None}

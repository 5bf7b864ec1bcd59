"""`riskAssessment` through the API on both engines, over the demo community: an outage at a
transformer ranks the residents it leaves without power with their paths and factors; tag
factors only with a purpose; bad sources and hazards refused by name; a grid worker and a
property company assess within their rows, residents and integrators not at all."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.auth.principal import Role
from civicgraph.settings import Settings
from tests.api import scoped_world
from tests.api.conftest import data
from tests.auth import acting_as, api_client

ASSESS = """query ($input: RiskAssessmentInput!) { riskAssessment(input: $input) {
  model hazard tookMs projectionSeq
  affected { residents households buildings devices }
  byGrid { grid { id } residents vulnerable }
  items { rank score probability node { id __typename }
    reasons { path { id } relationshipTypes text textEn } factors { name weight textEn } }
  responsePlan { priority score resident { id } contacts { role node { id } } } } }"""
TAG_FACTORS = {"disabled", "incapacitated", "home_medical_device", "mental_disorder"}


def _transformer(client: TestClient) -> str:
    found = data(
        client,
        "{ devices(first: 50, filter: {kind: {eq: TRANSFORMER}, status: {eq: ONLINE}}) "
        "{ nodes { id suppliedBuildings(first: 50) { totalCount } } } }",
    )["devices"]["nodes"]
    return str(max(found, key=lambda d: d["suppliedBuildings"]["totalCount"])["id"])


def _assess(client: TestClient, headers: dict[str, str] | None = None, **given: Any) -> Any:
    response = client.post(
        "/graphql", json={"query": ASSESS, "variables": {"input": given}}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_an_outage_ranks_the_people_it_reaches(client: TestClient) -> None:
    source = _transformer(client)
    answer = _assess(client, sources=[source], hazard="POWER_OUTAGE", severity="HIGH", first=30)
    assert "errors" not in answer, answer["errors"]
    result = answer["data"]["riskAssessment"]
    assert result["model"] == "CASCADE" and result["projectionSeq"] > 0
    assert result["affected"]["residents"] > 0 and result["affected"]["buildings"] > 0
    items = result["items"]
    assert [i["rank"] for i in items] == list(range(1, len(items) + 1))
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    people = [i for i in items if i["node"]["__typename"] == "Resident"]
    assert people
    for item in people:
        [reason] = item["reasons"]
        assert reason["path"][0]["id"] == source
        assert reason["path"][-1]["id"] == item["node"]["id"]
        assert reason["relationshipTypes"][-2:] == ["RESIDES_IN", "MEMBER_OF"]
        assert not {f["name"] for f in item["factors"]} & TAG_FACTORS  # no purpose stated
    assert sum(g["residents"] for g in result["byGrid"]) == result["affected"]["residents"]
    plan = result["responsePlan"]
    assert plan and [n["priority"] for n in plan] == list(range(1, len(plan) + 1))
    assert all(n["resident"]["id"].startswith("Resident:") for n in plan)
    roles = {c["role"] for n in plan for c in n["contacts"]}
    assert "grid_worker" in roles and roles <= {
        "grid_worker", "carer", "guardian", "emergency_contact", "property_company",
    }  # fmt: skip


def test_tag_factors_need_a_purpose_and_are_audited(client: TestClient) -> None:
    source = _transformer(client)
    store = client.app.state.opened.store  # type: ignore[attr-defined]
    before = len(store.audit_entries(limit=100_000))
    stated = _assess(
        client, {"X-Purpose": "emergency"}, sources=[source], hazard="POWER_OUTAGE", first=200
    )["data"]["riskAssessment"]
    tagged = [i for i in stated["items"] if {f["name"] for f in i["factors"]} & TAG_FACTORS]
    assert tagged  # the demo's elderly include some on home medical devices, some disabled
    entries = store.audit_entries(limit=100_000)[before:]
    assert any("tags" in e.personal_fields and e.purpose == "emergency" for e in entries)


def test_bad_sources_and_hazards_are_refused_by_name(client: TestClient) -> None:
    source = _transformer(client)
    for given, words in (
        ({"sources": ["Device:NOSUCH"], "hazard": "FIRE"}, "input.sources[0]: no node"),
        ({"sources": [source], "hazard": "FLOOD"}, "input.sources: a flood cannot start"),
        ({"sources": [source], "hazard": "FIRE", "maxHops": 50}, "input.maxHops: give 1 to 12"),
    ):
        [error] = _assess(client, **given)["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and words in error["message"]
    for role in (Role.RESIDENT, Role.INTEGRATOR):
        bounded = acting_as(client, "x", role, household="H0000001")
        [error] = _assess(client, bounded, sources=[source], hazard="POWER_OUTAGE")["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN", role


def test_a_bounded_caller_assesses_within_its_rows(engine_settings: Settings) -> None:
    """A fire in building BA spreads to BB next door (another grid, another company): the
    grid worker of GA and the company managing BA see only BA's people; BB reads as missing."""
    with api_client(engine_settings) as client:
        scoped_world.build(client.app.state.opened.store)  # type: ignore[attr-defined]
        fire = {"sources": ["Building:BA"], "hazard": "FIRE", "first": 50}
        everyone = _assess(client, **fire)["data"]["riskAssessment"]
        assert everyone["affected"]["residents"] == 4
        other_side = {"Building:BB", "Household:HB", "Resident:RB1", "Resident:RB2", "Device:DB"}
        bounded = ((Role.GRID_WORKER, {"grids": ("GA",)}), (Role.PROPERTY_COMPANY, {"org": "OP"}))
        for role, claims in bounded:
            headers = acting_as(client, "bounded", role, **claims)
            mine = _assess(client, headers, **fire)["data"]["riskAssessment"]
            assert mine["affected"]["residents"] == 2, role
            ranked = {item["node"]["id"] for item in mine["items"]}
            assert "Resident:RA1" in ranked and not ranked & other_side, ranked
            [error] = _assess(client, headers, sources=["Building:BB"], hazard="FIRE")["errors"]
            assert error["message"] == "input.sources[0]: no node Building:BB"


def test_assessments_follow_the_writes_made_since(engine_settings: Settings) -> None:
    """The server's projection is built once, then brought up to date from the change
    history: a resident deleted and another moved in show in the next assessment."""
    with api_client(engine_settings) as client:
        scoped_world.build(client.app.state.opened.store)  # type: ignore[attr-defined]
        fire = {"sources": ["Building:BA"], "hazard": "FIRE", "first": 50}
        first = _assess(client, **fire)["data"]["riskAssessment"]
        assert first["affected"]["residents"] == 4
        gone = data(client, 'mutation { deleteNode(id: "Resident:RB1") { deletedId } }')
        assert gone["deleteNode"]["deletedId"] == "Resident:RB1"
        data(
            client,
            'mutation { upsertResident(input: {id: "RZ", name: "王芳", birthDate: "1931-02-03", '
            "tags: [DISABLED]}) { created errors { message } } }",
        )
        data(
            client,
            'mutation { link(type: MEMBER_OF, from: "Resident:RZ", to: "Household:HA", '
            'properties: {role: "parent"}) { changed errors { message } } }',
        )
        after = _assess(client, **fire)["data"]["riskAssessment"]
        assert after["projectionSeq"] > first["projectionSeq"]
        ranked = {item["node"]["id"] for item in after["items"]}
        assert "Resident:RZ" in ranked and "Resident:RB1" not in ranked
        assert after["affected"]["residents"] == 4  # one gone, one come


SCENARIO = """query ($input: ScenarioInput!) { runScenario(input: $input) {
  projectionSeq without { residents vulnerable totalRisk }
  withMitigations { residents vulnerable totalRisk } sparedCount spared { id } } }"""


def test_a_tabletop_exercise_spares_who_the_mitigation_protects(client: TestClient) -> None:
    source = _transformer(client)
    buildings = data(
        client,
        "query ($id: ID!) { node(id: $id) { ... on Device { suppliedBuildings(first: 50) "
        "{ nodes { id } } } } }",
        id=source,
    )["node"]["suppliedBuildings"]["nodes"]
    sheltered = buildings[0]["id"]
    before = data(client, "{ stats { incidents } }")
    given = {
        "failures": [source],
        "mitigations": [{"at": sheltered, "kind": "BACKUP_POWER"}],
    }
    result = data(client, SCENARIO, input=given)["runScenario"]
    assert result["without"]["residents"] > result["withMitigations"]["residents"]
    assert result["sparedCount"] == len(result["spared"]) > 0
    assert (
        result["without"]["residents"] - result["withMitigations"]["residents"]
        == result["sparedCount"]
    )
    assert data(client, "{ stats { incidents } }") == before  # nothing written
    bad = client.post(
        "/graphql",
        json={"query": SCENARIO, "variables": {"input": {"hazards": [
            {"at": source, "hazard": "FLOOD"}]}}},
    ).json()  # fmt: skip
    [error] = bad["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("input.hazards[0].at: a flood cannot start")

"""`submitPetition`, `Petition`'s extraction fields and `hotIssues` through the API on both
engines, over the small community of `tests/nlp/small_graph.py`: a petition about a lift in
a named building is classified, its entities linked, an incident raised there, and a second
petition about the same trouble joins it; personal numbers are masked in the text; bad input
is refused naming the field; hot issues group petitions by place and topic."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth.principal import Role
from civicgraph.settings import Settings
from tests.auth import acting_as, api_client, stating_purpose
from tests.nlp import small_graph

SUBMIT = """mutation ($input: SubmitPetitionInput!) { submitPetition(input: $input) {
  petition { id ... on Petition { text nature submittedBy { id } } }
  category { label confidence } nature { label confidence }
  entities { text label start end confidence status linked { id __typename } }
  incident { id ... on Incident { status category severity } } joinedIncident
  errors { path message code } } }"""
LIFT = "翠湖花园5栋的电梯又坏了，老人被困在里面半小时，请物业尽快修好！电话13912345678"


@pytest.fixture
def client(engine_settings: Settings) -> Iterator[TestClient]:
    with api_client(engine_settings) as test_client:
        small_graph.build(test_client.app.state.opened.store)  # type: ignore[attr-defined]
        yield test_client


def _post(
    client: TestClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> Any:
    answer = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    return answer.json()


def _submit(client: TestClient, headers: dict[str, str] | None = None, **values: Any) -> Any:
    answer = _post(client, SUBMIT, headers, input=values)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]["submitPetition"]


def test_a_petition_is_read_linked_and_raises_or_joins_an_incident(client: TestClient) -> None:
    first = _submit(client, text=LIFT, title="电梯困人", submitter="Resident:R1")
    assert first["errors"] == []
    assert first["category"]["label"] in {"城乡建设", "商贸旅游", "卫生计生", "劳动和社会保障",
                                         "教育文体", "环境保护", "交通运输"}  # fmt: skip
    assert 0 < first["category"]["confidence"] <= 1
    entities = {e["text"]: e for e in first["entities"]}
    assert entities["翠湖花园5栋"]["linked"] == {"id": "Building:B1", "__typename": "Building"}
    assert entities["翠湖花园5栋"]["status"] == "LINKED"
    assert entities["电梯"]["linked"]["id"] == "Device:D1"
    assert LIFT[entities["电梯"]["start"] : entities["电梯"]["end"]] == "电梯"
    assert "13912345678" not in {e["text"] for e in first["entities"]}
    incident = first["incident"]
    assert incident["category"] == "ELEVATOR_ENTRAPMENT"
    assert incident["severity"] == "CRITICAL"
    assert incident["status"] == "REPORTED"
    assert first["joinedIncident"] is False
    petition = first["petition"]
    assert "13912345678" not in petition["text"] and "139*" in petition["text"]
    assert petition["submittedBy"] == {"id": "Resident:R1"}

    # Another resident of the building reports the same trouble: one incident, two petitions.
    second = _submit(client, text="翠湖花园5栋电梯坏了，有人被困，快来人", submitter="Resident:R2")
    assert second["incident"]["id"] == incident["id"]
    assert second["joinedIncident"] is True
    # Another kind of trouble at the same place is another incident.
    third = _submit(client, text="翠湖花园5栋从昨晚开始停电，到现在还没来电，投诉！")
    assert third["incident"]["id"] != incident["id"]
    assert third["incident"]["category"] == "POWER_OUTAGE"

    reported = _post(
        client,
        "query ($id: ID!) { node(id: $id) { ... on Incident { petitions { totalCount } } } }",
        id=incident["id"],
    )
    assert reported["data"]["node"]["petitions"]["totalCount"] == 2
    stored = _post(
        client,
        """query ($id: ID!) { node(id: $id) { ... on Petition { text textUnmasked
          category { label } language entities { text status linked { id } }
          mentions { edges { node { node { id } status } } } incident { id } } } }""",
        id=petition["id"],
    )["data"]["node"]
    assert stored["language"] == "zh" and stored["incident"] == {"id": incident["id"]}
    assert stored["textUnmasked"] is None  # no purpose stated: closed even to an admin
    assert {"id": "Building:B1"} in [e["node"]["node"] for e in stored["mentions"]["edges"]]
    listed = _post(client, "{ petitions(first: 10) { nodes { id text category { label } } } }")
    assert all("13912345678" not in n["text"] for n in listed["data"]["petitions"]["nodes"])
    texts_only = _post(client, "{ petitions(first: 10) { nodes { text } } }")  # a planned read
    assert any("139****5678" in n["text"] for n in texts_only["data"]["petitions"]["nodes"])
    with stating_purpose(client):
        whole = _post(
            client,
            "query ($id: ID!) { node(id: $id) { ... on Petition { textUnmasked } } }",
            id=petition["id"],
        )
    assert whole["data"]["node"]["textUnmasked"] == LIFT


def test_bad_petitions_are_refused_naming_the_field(client: TestClient) -> None:
    cases = [
        ({"text": "   "}, "input.text", "INVALID_INPUT", "empty"),
        ({"text": "Привет, улица грязная"}, "input.text", "INVALID_INPUT", "no supported language"),
        (
            {"text": "电梯坏了", "submitter": "Building:B1"},
            "input.submitter",
            "INVALID_INPUT",
            "Resident",
        ),
        (
            {"text": "电梯坏了", "submitter": "Resident:NOPE"},
            "input.submitter",
            "UNKNOWN_REFERENCE",
            "does not exist",
        ),
    ]
    for values, path, code, words in cases:
        errors = _submit(client, **values)["errors"]
        assert [e["path"] for e in errors] == [[path]], values
        assert errors[0]["code"] == code and words in errors[0]["message"], errors
    as_resident = acting_as(client, "R2", Role.RESIDENT, household="H2")
    refused = _submit(client, as_resident, text="电梯坏了", submitter="Resident:R1")["errors"]
    assert refused[0]["code"] == "FORBIDDEN"
    own = _submit(client, as_resident, text="东光大厦门口的路灯不亮了")
    assert own["errors"] == [] and own["petition"]["submittedBy"] == {"id": "Resident:R2"}
    investigator = acting_as(client, "inv", Role.INVESTIGATOR)
    answer = _post(client, SUBMIT, investigator, input={"text": "电梯坏了"})
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_hot_issues_group_petitions_by_place_and_topic(client: TestClient) -> None:
    now = datetime.now(UTC)
    noise = [
        "翠湖花园5栋旁边工地每天晚上施工，噪音扰民，没法睡觉",
        "翠湖花园5栋楼下夜间施工噪音太大，请管一管",
        "投诉翠湖花园5栋附近工地深夜施工扰民",
    ]
    for n, text in enumerate(noise):
        at = (now - timedelta(days=2, hours=n)).isoformat()
        assert _submit(client, text=text, submittedAt=at)["errors"] == []
    assert (
        _submit(client, text="东光大厦门口垃圾堆了三天没人清理，很臭", submittedAt=now.isoformat())[
            "errors"
        ]
        == []
    )
    query = """query ($since: DateTime, $first: Int!) { hotIssues(since: $since, first: $first) {
      label topic places { id name } keywords petitions { totalCount nodes { id } }
      firstAt lastAt heat trend submitters } }"""
    since = (now - timedelta(days=7)).isoformat()
    issues = _post(client, query, since=since, first=5)["data"]["hotIssues"]
    top = issues[0]
    assert top["places"] == [{"id": "Building:B1", "name": "翠湖花园5栋"}]
    assert top["topic"] == "noise" and top["petitions"]["totalCount"] == 3
    assert len(top["petitions"]["nodes"]) == 3 and top["heat"] > 0
    assert top["firstAt"] < top["lastAt"]
    assert all(i["petitions"]["totalCount"] >= 2 for i in issues)  # one petition is no issue
    in_grid = """query ($since: DateTime, $grid: ID) { hotIssues(since: $since, gridId: $grid) {
      places { id } } }"""
    g1 = _post(client, in_grid, since=since, grid="Grid:G1")["data"]["hotIssues"]
    assert [i["places"] for i in g1] == [[{"id": "Building:B1"}]]
    assert _post(client, in_grid, since=since, grid="Grid:G2")["data"]["hotIssues"] == []
    refused = _post(client, query, since=since, first=0)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert refused["errors"][0]["message"].startswith("first:")

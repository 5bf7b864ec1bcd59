"""Mutations through HTTP on both engines: success, typed failures, versions, events."""

from __future__ import annotations

from fastapi.testclient import TestClient

from graph.model import Label
from graph.records import NodeRef
from tests.api.conftest import data
from tests.auth import acting_as
from tests.factories import id_number

BUILDING = """mutation ($input: BuildingInput!, $v: Int) {
  upsertBuilding(input: $input, expectedVersion: $v) {
    created
    node { id version provenance { actor source } ... on Building { name floors } }
    errors { path message code }
  }
}"""
RESIDENT = """mutation ($input: ResidentInput!) {
  upsertResident(input: $input) { created node { id } errors { path message code } }
}"""


def run(client: TestClient, query: str, actor: str = "worker-1", **variables: object) -> dict:
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=acting_as(client, actor)
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]


def test_upsert_creates_updates_and_refuses_stale_versions(client: TestClient) -> None:
    made = run(client, BUILDING, input={"id": "BX1", "name": "新建1栋", "floors": 6})
    payload = made["upsertBuilding"]
    assert payload["created"] and payload["errors"] == []
    assert payload["node"]["version"] == 1
    assert payload["node"]["provenance"] == {"actor": "worker-1", "source": "api"}
    updated = run(client, BUILDING, input={"id": "BX1", "name": "新建1栋", "floors": 7}, v=1)
    assert updated["upsertBuilding"]["node"]["floors"] == 7
    assert updated["upsertBuilding"]["node"]["version"] == 2
    stale = run(
        client, BUILDING, actor="worker-2", input={"id": "BX1", "name": "新建1栋", "floors": 9}, v=1
    )["upsertBuilding"]
    assert stale["node"] is None
    assert stale["errors"][0]["code"] == "VERSION_CONFLICT"
    assert stale["errors"][0]["path"] == ["expectedVersion"]
    current = data(client, '{ node(id: "Building:BX1") { version ... on Building { floors } } }')
    assert current["node"] == {"version": 2, "floors": 7}


def test_invalid_input_names_the_path_and_reason(client: TestClient) -> None:
    bad_checksum = id_number("19900101")[:-1] + ("0" if id_number("19900101")[-1] != "0" else "1")
    result = run(
        client,
        RESIDENT,
        input={
            "id": "RX1",
            "name": "测试",
            "gender": "MALE",
            "birthDate": "1990-01-01",
            "idNumber": bad_checksum,
        },
    )
    [error] = result["upsertResident"]["errors"]
    assert error["path"] == ["input", "idNumber"] and "checksum" in error["message"]
    assert error["code"] == "INVALID_INPUT"
    result = run(
        client,
        RESIDENT,
        input={
            "id": "RX1",
            "name": "测试",
            "gender": "MALE",
            "birthDate": "1990-01-02",
            "idNumber": id_number("19900101"),
        },
    )
    [error] = result["upsertResident"]["errors"]
    assert error["path"] == ["input", "birthDate"]
    result = run(
        client,
        RESIDENT,
        input={
            "id": "RX1",
            "name": "测试",
            "gender": "MALE",
            "birthDate": "1990-01-01",
            "phone": "12345",
        },
    )
    assert result["upsertResident"]["errors"][0]["path"] == ["input", "phone"]
    assert data(client, '{ node(id: "Resident:RX1") { id } }')["node"] is None


LINK = """mutation ($type: RelationshipType!, $from: ID!, $to: ID!,
                   $props: RelationshipPropertiesInput) {
  link(type: $type, from: $from, to: $to, properties: $props) {
    changed errors { path message code }
  }
}"""
UNLINK = """mutation ($type: RelationshipType!, $from: ID!, $to: ID!) {
  unlink(type: $type, from: $from, to: $to) { changed errors { path code } }
}"""


def test_link_and_unlink(client: TestClient) -> None:
    run(
        client,
        RESIDENT,
        input={"id": "RX2", "name": "新居民", "gender": "FEMALE", "birthDate": "1985-03-01"},
    )
    made = run(
        client,
        LINK,
        type="MEMBER_OF",
        **{"from": "Resident:RX2", "to": "Household:H0000001"},
        props={"role": "tenant"},
    )["link"]
    assert made == {"changed": True, "errors": []}
    members = data(
        client,
        '{ node(id: "Household:H0000001") { ... on Household { members '
        "{ nodes { id householdRole } } } } }",
    )["node"]["members"]["nodes"]
    assert {"id": "Resident:RX2", "householdRole": "TENANT"} in members
    again = run(
        client,
        LINK,
        type="MEMBER_OF",
        **{"from": "Resident:RX2", "to": "Household:H0000001"},
        props={"role": "tenant"},
    )["link"]
    assert again == {"changed": False, "errors": []}
    unknown = run(
        client,
        LINK,
        type="MEMBER_OF",
        **{"from": "Resident:RX2", "to": "Household:NOPE"},
        props={"role": "tenant"},
    )["link"]
    assert unknown["errors"][0]["path"] == ["to"]
    assert unknown["errors"][0]["code"] == "UNKNOWN_REFERENCE"
    wrong = run(client, LINK, type="IN_GRID", **{"from": "Resident:RX2", "to": "Grid:G00001"})[
        "link"
    ]
    assert wrong["errors"][0] == {
        "path": ["from"],
        "code": "INVALID_INPUT",
        "message": "a Resident cannot start IN_GRID",
    }
    bad_role = run(
        client,
        LINK,
        type="MEMBER_OF",
        **{"from": "Resident:RX2", "to": "Household:H0000001"},
        props={"role": "boss"},
    )["link"]
    assert bad_role["errors"][0]["path"] == ["properties", "role"]
    removed = run(
        client, UNLINK, type="MEMBER_OF", **{"from": "Resident:RX2", "to": "Household:H0000001"}
    )
    assert removed["unlink"] == {"changed": True, "errors": []}
    assert (
        run(
            client, UNLINK, type="MEMBER_OF", **{"from": "Resident:RX2", "to": "Household:H0000001"}
        )["unlink"]["changed"]
        is False
    )


DELETE = """mutation ($id: ID!, $v: Int) {
  deleteNode(id: $id, expectedVersion: $v) { deletedId errors { path code } }
}"""


def test_delete_with_versions(client: TestClient) -> None:
    run(client, BUILDING, input={"id": "BX9", "name": "待拆9栋"})
    stale = run(client, DELETE, id="Building:BX9", v=5)["deleteNode"]
    assert stale["errors"] == [{"path": ["expectedVersion"], "code": "VERSION_CONFLICT"}]
    done = run(client, DELETE, id="Building:BX9", v=1)["deleteNode"]
    assert done == {"deletedId": "Building:BX9", "errors": []}
    missing = run(client, DELETE, id="Building:BX9")["deleteNode"]
    assert missing["errors"] == [{"path": ["id"], "code": "NOT_FOUND"}]
    bad = run(client, DELETE, id="nonsense")["deleteNode"]
    assert bad["errors"] == [{"path": ["id"], "code": "INVALID_INPUT"}]


def test_care_and_involvement_read_from_both_ends(client: TestClient) -> None:
    for source, kind, target in (
        ("Resident:R00000002", "CARES_FOR", "Resident:R00000001"),
        ("Incident:I0000001", "INVOLVES", "Organisation:O000001"),
        ("Incident:I0000001", "INVOLVES", "Device:D0000001"),
    ):
        assert (
            run(
                client,
                LINK,
                type=kind,
                **{"from": source, "to": target},
                props={"role": "party"} if kind == "INVOLVES" else None,
            )["link"]["errors"]
            == []
        )
    cared = data(
        client,
        """{ node(id: "Resident:R00000001") { ... on Resident {
        caredForByResidents { nodes { id } } } } }""",
    )["node"]["caredForByResidents"]
    assert cared["nodes"] == [{"id": "Resident:R00000002"}]
    incident = data(
        client,
        """{ node(id: "Incident:I0000001") { ... on Incident {
        involvedOrganisations { nodes { id } } involvedDevices { nodes { id } } } } }""",
    )["node"]
    assert incident["involvedOrganisations"]["nodes"] == [{"id": "Organisation:O000001"}]
    assert incident["involvedDevices"]["nodes"] == [{"id": "Device:D0000001"}]
    back = data(
        client,
        """{ node(id: "Device:D0000001") { ... on Device {
        involvedIn { nodes { id } } } } }""",
    )["node"]["involvedIn"]["nodes"]
    assert {"id": "Incident:I0000001"} in back


MENTIONS = """query ($p: ID!, $first: Int, $after: String) { node(id: $p) { ... on Petition {
  mentions(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { confidence span node { id __typename ... on Building { name } } } } } } }"""


def test_petition_mentions_span_labels_and_pages(client: TestClient) -> None:
    petition = data(client, "{ petitions(first: 1) { nodes { id } } }")["petitions"]["nodes"][0]
    building = data(client, "{ buildings(first: 1) { nodes { id name } } }")["buildings"]["nodes"][
        0
    ]
    resident = data(client, "{ residents(first: 1) { nodes { id } } }")["residents"]["nodes"][0]
    for target, span, confidence in (
        (building["id"], building["name"], 0.9),
        (resident["id"], None, 0.6),
    ):
        made = run(
            client,
            LINK,
            type="MENTIONS",
            **{"from": petition["id"], "to": target},
            props={"confidence": confidence, "span": span},
        )["link"]
        assert made == {"changed": True, "errors": []}
    first = data(client, MENTIONS, p=petition["id"], first=1)["node"]["mentions"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"]
    rest = data(client, MENTIONS, p=petition["id"], first=5, after=first["pageInfo"]["endCursor"])
    mentions = first["nodes"] + rest["node"]["mentions"]["nodes"]
    by_type = {m["node"]["__typename"]: m for m in mentions}
    assert by_type["Building"] == {
        "confidence": 0.9,
        "span": building["name"],
        "node": {"id": building["id"], "__typename": "Building", "name": building["name"]},
    }
    assert by_type["Resident"]["node"]["id"] == resident["id"]
    assert by_type["Resident"]["confidence"] == 0.6 and by_type["Resident"]["span"] is None
    refused = run(
        client,
        LINK,
        type="MENTIONS",
        **{"from": petition["id"], "to": resident["id"]},
        props={"confidence": 1.5},
    )["link"]
    assert refused["changed"] is False and refused["errors"][0]["path"] == [
        "properties",
        "confidence",
    ]


def test_an_upsert_that_leaves_out_personal_fields_keeps_them(client: TestClient) -> None:
    number = id_number("19450302", male=False)
    person = {"id": "RX1", "name": "王秀英", "gender": "FEMALE", "birthDate": "1945-03-02"}
    private = {"idNumber": number, "phone": "13800138000", "tags": ["ELDERLY_LIVING_ALONE"]}
    assert run(client, RESIDENT, input={**person, **private})["upsertResident"]["created"]
    # A frontend edits the name: it never saw the personal fields, so it cannot send them.
    renamed = run(client, RESIDENT, input={**person, "name": "王秀英（更正）"})["upsertResident"]
    assert renamed["errors"] == []
    ref = NodeRef(Label.RESIDENT, "RX1")
    stored = client.app.state.opened.store.get_nodes([ref])[ref].props
    assert stored["name"] == "王秀英（更正）"
    assert (stored["id_number"], stored["phone"]) == (number, "13800138000")
    assert stored["tags"] == ["elderly_living_alone"]
    # A value given replaces the stored one.
    run(client, RESIDENT, input={**person, "phone": "13900139000"})
    stored = client.app.state.opened.store.get_nodes([ref])[ref].props
    assert (stored["phone"], stored["id_number"]) == ("13900139000", number)


def test_a_control_character_is_refused_with_the_field(client: TestClient) -> None:
    refused = run(client, BUILDING, input={"id": "BX9", "name": "幸福\u0000里"})["upsertBuilding"]
    assert refused["node"] is None
    assert refused["errors"] == [
        {
            "path": ["input", "name"],
            "message": "contains the control character U+0000",
            "code": "INVALID_INPUT",
        }
    ]


PETITION = """mutation ($input: PetitionInput!) {
  upsertPetition(input: $input) { created errors { path message } }
}"""
PETITIONS = """query ($after: String) {
  petitions(first: 2, after: $after, orderBy: {field: SUBMITTED_AT},
            filter: {nature: {in: [COMPLAINT, HELP]}}) {
    nodes { id ... on Petition { title nature submittedAt } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def test_petitions_without_a_time_sort_first_and_filter_by_nature(client: TestClient) -> None:
    for number, (time, nature) in enumerate(
        [
            ("2026-11-20T08:00:00Z", "COMPLAINT"),
            (None, "COMPLAINT"),
            ("2026-11-19T08:00:00Z", "HELP"),
            ("2026-11-18T08:00:00Z", "CONSULTATION"),
            (None, "HELP"),
        ]
    ):
        made = run(
            client,
            PETITION,
            input={
                "id": f"PX{number}",
                "title": f"诉求{number}",
                "text": "楼道灯坏了",
                "nature": nature,
                "submittedAt": time,
            },
        )["upsertPetition"]
        assert made == {"created": True, "errors": []}
    seen: list[tuple[str, str | None]] = []
    after = None
    while True:
        page = data(client, PETITIONS, after=after)["petitions"]
        seen += [
            (n["id"], n["submittedAt"]) for n in page["nodes"] if n["id"].startswith("Petition:PX")
        ]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [
        ("Petition:PX1", None),
        ("Petition:PX4", None),
        ("Petition:PX2", "2026-11-19T08:00:00Z"),
        ("Petition:PX0", "2026-11-20T08:00:00Z"),
    ]


def test_a_second_resident_with_the_same_id_number_is_refused(client: TestClient) -> None:
    number = id_number("19900101")
    first = {"id": "R90000001", "name": "张伟", "gender": "MALE", "birthDate": "1990-01-01"}
    assert run(client, RESIDENT, input={**first, "idNumber": number})["upsertResident"]["created"]
    second = {**first, "id": "R90000003", "name": "张卫"}
    refused = run(client, RESIDENT, input={**second, "idNumber": number})["upsertResident"]
    assert refused["node"] is None
    assert refused["errors"] == [
        {
            "path": ["input", "idNumber"],
            "message": "belongs to Resident:R90000001 already: one ID number, one resident",
            "code": "DUPLICATE",
        }
    ]
    absent = NodeRef(Label.RESIDENT, "R90000003")
    assert client.app.state.opened.store.get_nodes([absent]) == {}
    # The holder itself may write its own number again.
    again = run(client, RESIDENT, input={**first, "idNumber": number})["upsertResident"]
    assert again["errors"] == []


def test_nodes_written_through_the_api_list_their_source(client: TestClient) -> None:
    query = """mutation { upsertGrid(input: {id: "GAPI", name: "新网格"}) {
      node { provenance { source sources actor } } } }"""
    provenance = run(client, query, actor="grid-worker-7")["upsertGrid"]["node"]["provenance"]
    assert provenance == {"source": "api", "sources": ["api"], "actor": "grid-worker-7"}

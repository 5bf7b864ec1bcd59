"""Investigations through the API on both engines: created, updated from the version read (a
stale version refused), shared with a named user who may then read and update it but not
reshare it, invisible to others, and exported as GraphML, JSON and CSV holding the nodes and
the relationships between them; bad input refused naming the field."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth.principal import Role
from civicgraph.settings import Settings
from tests.api import scoped_world
from tests.auth import acting_as, api_client

CREATE = """mutation ($input: InvestigationInput!) { createInvestigation(input: $input) {
  investigation { id title owner version sharedWith layout nodes { id } }
  errors { path message code } } }"""
UPDATE = """mutation ($id: ID!, $input: InvestigationInput!, $v: Int!) {
  updateInvestigation(id: $id, input: $input, expectedVersion: $v) {
    investigation { id version title notes sharedWith nodes { id } }
    errors { path code message } } }"""
READ = """query ($id: ID!) { investigation(id: $id) { title notes nodes { id } }
  investigations { id } }"""
EXPORT = """query ($id: ID!, $f: ExportFormat!) { exportInvestigation(id: $id, format: $f) {
  filename content } }"""


@pytest.fixture
def client(engine_settings: Settings) -> Iterator[TestClient]:
    with api_client(engine_settings) as test_client:
        scoped_world.build(test_client.app.state.opened.store)  # type: ignore[attr-defined]
        yield test_client


def _data(client: TestClient, query: str, headers: dict[str, str], **variables: Any) -> Any:
    answer = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    ).json()
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def test_create_share_update_and_export(client: TestClient) -> None:
    alice = acting_as(client, "alice", Role.INVESTIGATOR)
    bob = acting_as(client, "bob", Role.INVESTIGATOR)
    carol = acting_as(client, "carol", Role.INVESTIGATOR)
    made = _data(
        client,
        CREATE,
        alice,
        input={
            "title": "甲座火情",
            "nodes": ["Building:BA", "Household:HA", "Incident:IA"],
            "layout": {"Building:BA": [0, 0], "Incident:IA": [120.5, 40]},
        },
    )["createInvestigation"]
    assert made["errors"] == []
    case = made["investigation"]
    assert case["owner"] == "alice" and case["version"] == 1
    assert [n["id"] for n in case["nodes"]] == ["Building:BA", "Household:HA", "Incident:IA"]
    assert case["layout"]["Incident:IA"] == [120.5, 40]
    assert _data(client, READ, bob, id=case["id"]) == {"investigation": None, "investigations": []}

    shared = _data(client, UPDATE, alice, id=case["id"], input={"sharedWith": ["bob"]}, v=1)
    assert shared["updateInvestigation"]["investigation"]["sharedWith"] == ["bob"]
    noted = _data(client, UPDATE, bob, id=case["id"], input={"notes": "邻楼也要看"}, v=2)
    assert noted["updateInvestigation"]["investigation"]["version"] == 3
    stale = _data(client, UPDATE, alice, id=case["id"], input={"title": "旧版本"}, v=2)
    assert stale["updateInvestigation"]["errors"][0]["code"] == "VERSION_CONFLICT"
    reshare = _data(client, UPDATE, bob, id=case["id"], input={"sharedWith": ["carol"]}, v=3)
    assert reshare["updateInvestigation"]["errors"][0]["code"] == "FORBIDDEN"
    assert _data(client, READ, bob, id=case["id"])["investigation"]["notes"] == "邻楼也要看"
    assert _data(client, READ, carol, id=case["id"])["investigation"] is None

    graphml = _data(client, EXPORT, alice, id=case["id"], f="GRAPHML")["exportInvestigation"]
    root = ET.fromstring(graphml["content"])
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert {n.get("id") for n in root.iterfind(".//g:node", ns)} == {
        "Building:BA",
        "Household:HA",
        "Incident:IA",
    }
    edges = {(e.get("source"), e.get("target")) for e in root.iterfind(".//g:edge", ns)}
    assert ("Household:HA", "Building:BA") in edges and ("Incident:IA", "Building:BA") in edges
    assert graphml["filename"].endswith(".graphml")
    as_json = json.loads(
        _data(client, EXPORT, alice, id=case["id"], f="JSON")["exportInvestigation"]["content"]
    )
    assert (
        len(as_json["nodes"]) == 3
        and {"type": "RESIDES_IN", "source": "Household:HA", "target": "Building:BA"}
        in as_json["edges"]
    )
    rows = list(
        csv.reader(
            io.StringIO(
                _data(client, EXPORT, alice, id=case["id"], f="CSV")["exportInvestigation"][
                    "content"
                ]
            )
        )
    )
    assert rows[0] == ["kind", "id", "type", "label", "source", "target"]
    assert sum(r[0] == "node" for r in rows) == 3 and any(r[0] == "edge" for r in rows)


def test_bad_investigations_are_refused_naming_the_field(client: TestClient) -> None:
    alice = acting_as(client, "alice", Role.INVESTIGATOR)
    cases = [
        ({"nodes": ["Building:BA"]}, "input.title"),
        ({"title": "x", "nodes": ["Building:NOPE"]}, "input.nodes[0]"),
        ({"title": "x", "layout": {"Building:BA": "left"}}, "input.layout"),
        ({"title": "   "}, "input.title"),
    ]
    for values, path in cases:
        errors = _data(client, CREATE, alice, input=values)["createInvestigation"]["errors"]
        assert errors and errors[0]["path"] == [path], (values, errors)
    resident = acting_as(client, "RA1", Role.RESIDENT, household="HA")
    answer = client.post(
        "/graphql", json={"query": CREATE, "variables": {"input": {"title": "x"}}}, headers=resident
    ).json()
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"

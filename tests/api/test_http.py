"""GraphQL over HTTP: the graphql-http server audit (npm) against a real running server, the
application/graphql-response+json media type, and the protective limits."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from civicgraph.settings import Settings
from tests.auth import api_client

AUDIT = Path(__file__).parents[1] / "http_audit"


def test_graphql_http_audit_passes_every_check(live_url: str, live_token: str) -> None:
    completed = subprocess.run(
        ["node", str(AUDIT / "audit.mjs"), live_url],
        capture_output=True,
        text=True,
        env={**os.environ, "CIVICGRAPH_TOKEN": live_token},
        timeout=300,
        check=True,
    )
    results = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    assert len(results) > 50
    failed = [r for r in results if r["status"] != "ok"]
    assert failed == []


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path, max_query_depth=4, max_query_aliases=2, max_query_tokens=200
    )
    with api_client(settings) as client:
        yield client


def post(client: TestClient, query: str, accept: str = "application/json") -> tuple[int, dict]:
    response = client.post("/graphql", json={"query": query}, headers={"accept": accept})
    return response.status_code, response.json()


def test_request_errors_with_the_graphql_response_media_type(limited: TestClient) -> None:
    status, body = post(limited, "{ stats { residents ", "application/graphql-response+json")
    assert status == 400 and "data" not in body
    assert body["errors"][0]["message"].startswith("Syntax Error")
    status, body = post(limited, "{ nope }", "application/graphql-response+json")
    assert status == 400 and "Cannot query field" in body["errors"][0]["message"]
    response = limited.post(
        "/graphql",
        json={"query": "{ stats { residents } }"},
        headers={"accept": "application/graphql-response+json"},
    )
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert response.status_code == 200 and response.json()["data"]["stats"]["residents"] == 0


def test_depth_alias_and_token_limits(limited: TestClient) -> None:
    deep = "{ grids { nodes { buildings { nodes { households { nodes { id } } } } } } }"
    _, body = post(limited, deep)
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    _, body = post(limited, "{ a: stats { residents } b: stats { grids } c: stats { grids } }")
    assert "aliases" in body["errors"][0]["message"]
    _, body = post(limited, "{ stats { " + " ".join(["residents"] * 300) + " } }")
    assert "token" in body["errors"][0]["message"].lower()


def test_a_slow_request_times_out_with_a_graphql_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, request_timeout_s=0.000001)
    with api_client(settings) as client:
        response = client.post("/graphql", json={"query": "{ stats { residents } }"})
    assert response.status_code == 504
    assert response.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"


def test_a_request_refused_before_graphql_still_gets_a_graphql_error(limited: TestClient) -> None:
    for accept, media in (
        ("application/json", "application/json"),
        ("application/graphql-response+json", "application/graphql-response+json"),
    ):
        response = limited.post(
            "/graphql",
            content=b"{not json",
            headers={"content-type": "application/json", "accept": accept},
        )
        assert response.status_code == 400
        assert response.headers["content-type"].startswith(media)
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_REQUEST" and "JSON" in error["message"]


def test_a_variable_of_the_wrong_type_is_the_callers_mistake(limited: TestClient) -> None:
    response = limited.post(
        "/graphql",
        json={
            "query": "query ($d: Date) { residents(filter: {birthDate: {gte: $d}}) "
            "{ totalCount } }",
            "variables": {"d": "2026-13-01"},
        },
    )
    [error] = response.json()["errors"]
    assert error["message"].startswith("Variable '$d' has invalid value")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_nul_character_in_a_filter_or_id_is_a_bad_input(limited: TestClient) -> None:
    for query in (
        '{ residents(filter: {name: {contains: "\\u0000"}}) { totalCount } }',
        '{ node(id: "Resident:\\u0000") { id } }',
    ):
        [error] = limited.post("/graphql", json={"query": query}).json()["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert "U+0000" in error["message"] or "id" in error["message"]


def test_a_refused_request_is_logged_without_the_values_it_carried(
    limited: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_number, secret_phone = "110101199003077571", "13800138000"
    query = "mutation ($input: ResidentInput!) { upsertResident(input: $input) { created } }"
    variables = {"input": {"id": "R1", "idNumber": int(secret_number), "phone": secret_phone}}
    capsys.readouterr()
    response = limited.post("/graphql", json={"query": query, "variables": variables})
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert any(secret_phone in e["message"] for e in errors)  # the caller sees what it sent
    logged = capsys.readouterr()
    lines = [line for line in (logged.out + logged.err).splitlines() if "graphql.refused" in line]
    assert len(lines) == len(errors)
    assert not any(secret_number in line or secret_phone in line for line in lines)


def test_a_body_over_the_limit_gets_413_before_it_is_read(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, max_request_bytes=2048)
    big = b'{"query": "{ stats { residents } }", "pad": "' + b"x" * 4096 + b'"}'

    def streamed() -> Iterator[bytes]:  # no Content-Length: counted while it is read
        yield big[:1000]
        yield big[1000:]

    with api_client(settings) as client:
        for body in (big, streamed()):
            response = client.post(
                "/graphql", content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code == 413
            assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        alerts = client.post(
            "/ingest/alerts", content=big, headers={"content-type": "application/json"}
        )
        assert alerts.status_code == 413
        small = client.post("/graphql", json={"query": "{ stats { residents } }"})
        assert small.status_code == 200 and small.json()["data"]["stats"]["residents"] == 0


def test_variables_misused_by_the_document_are_validation_errors(limited: TestClient) -> None:
    def code(query: str, variables: dict) -> str:
        response = limited.post("/graphql", json={"query": query, "variables": variables})
        return response.json()["errors"][0]["extensions"]["code"]

    node = "query ($id: ID!) { node(id: $id) { id } }"
    assert code("{ node(id: $id) { id } }", {}) == "GRAPHQL_VALIDATION_FAILED"  # undeclared
    assert code("query ($x: Int) { stats { residents } }", {}) == "GRAPHQL_VALIDATION_FAILED"
    assert code(node, {}) == "BAD_USER_INPUT"  # a required value not given
    assert code(node, {"id": None}) == "BAD_USER_INPUT"
    assert code(node, {"id": {"a": 1}}) == "BAD_USER_INPUT"

"""What the API tells its operators and its callers when things go wrong: request ids, logs
without personal data, metrics by route, and the frontend basics (CORS, UTF-8, offline
GraphiQL)."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from civicgraph.logs import configure_logging, get_logger
from civicgraph.settings import Settings
from tests.auth import api_client

ID_NUMBER = "330203199001011236"
PHONE = "13900000002"


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, cors_origins=("https://grid.example.cn",))
    with api_client(settings, raise_server_exceptions=False) as client:
        yield client


def _fail_with_personal_data(*_: object, **__: object) -> None:
    id_number, phone = ID_NUMBER, PHONE  # locals a rich traceback would print
    raise RuntimeError(f"store broke on {id_number} / {phone}")


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_an_exception_is_logged_without_locals_or_values(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", fmt)
    try:
        _fail_with_personal_data()
    except RuntimeError as exc:
        get_logger("test").error("test.failed", exc_info=exc)
    try:
        _fail_with_personal_data()
    except RuntimeError:
        get_logger("test").exception("test.failed.again")
    err = capsys.readouterr().err
    assert "RuntimeError" in err and "_fail_with_personal_data" in err
    assert ID_NUMBER not in err and PHONE not in err
    assert len(err.splitlines()) == 2  # one line each, not a traceback


def test_an_unexpected_graphql_failure_names_its_request_in_the_log_and_the_answer(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = app_client.app.state.opened.store  # type: ignore[attr-defined]
    monkeypatch.setattr(store, "count_nodes", _fail_with_personal_data)
    response = app_client.post("/graphql", json={"query": "{ stats { residents } }"})
    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error"
    request_id = error["extensions"]["requestId"]
    assert response.headers["x-request-id"] == request_id
    err = capsys.readouterr().err
    failed = [line for line in err.splitlines() if "graphql.failed" in line]
    assert failed and request_id in failed[0] and "RuntimeError" in failed[0]
    assert ID_NUMBER not in err and PHONE not in err


def test_an_unexpected_http_failure_is_a_json_500_with_the_request_id(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("api.http.alerts.ingest_alerts", _fail_with_personal_data)
    response = app_client.post(
        "/ingest/alerts",
        json={"device_id": "D000001", "kind": "smoke", "at": "2026-11-20T08:00:00Z"},
        headers={"x-request-id": "req-42"},
    )
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json()["errors"][0]["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": "req-42",
    }
    err = capsys.readouterr().err
    assert "http.failed" in err and "req-42" in err and "Traceback" not in err
    assert ID_NUMBER not in err and PHONE not in err


def _metric(client: TestClient, pattern: str) -> float:
    text = client.get("/metrics").text
    found = re.search(pattern + r" ([0-9.e+]+)", text)
    return float(found.group(1)) if found else 0.0


def test_a_body_that_is_not_utf8_is_a_400_graphql_error_and_counted(
    app_client: TestClient,
) -> None:
    counted = 'civicgraph_http_requests_total{method="POST",route="/graphql",status="400"}'
    before = _metric(app_client, re.escape(counted))
    body = b'{"query":"{ search(text: \\"\xff\xfe\\") { id } }"}'
    response = app_client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert _metric(app_client, re.escape(counted)) == before + 1


def test_metrics_label_requests_by_route_not_by_url(app_client: TestClient) -> None:
    for n in range(5):
        app_client.get(f"/no/such/page/{n}")
    text = app_client.get("/metrics").text
    assert "/no/such/page" not in text
    assert 'route="unmatched",status="404"' in text


def test_refused_requests_are_logged_with_code_and_request_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path, request_timeout_s=0.000001)
    with api_client(settings) as client:
        response = client.post("/graphql", json={"query": "{ stats { residents } }"})
    assert response.status_code == 504
    request_id = response.headers["x-request-id"]
    refused = [line for line in capsys.readouterr().err.splitlines() if "http.refused" in line]
    assert any("TIMEOUT" in line and request_id in line and "504" in line for line in refused)


def test_chinese_is_sent_as_utf8(app_client: TestClient) -> None:
    response = app_client.post(
        "/graphql",
        json={
            "query": 'mutation { upsertGrid(input: {id: "G1", name: "幸福里网格"}) '
            "{ node { ... on Grid { name } } } }"
        },
    )
    assert "幸福里网格".encode() in response.content
    assert b"\\u" not in response.content


def test_cors_allows_only_the_configured_origins(app_client: TestClient, tmp_path: Path) -> None:
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    allowed = app_client.options(
        "/graphql", headers={"origin": "https://grid.example.cn", **preflight}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://grid.example.cn"
    other = app_client.options("/graphql", headers={"origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers
    with api_client(Settings(data_dir=tmp_path / "default")) as default:
        closed = default.options(
            "/graphql", headers={"origin": "https://grid.example.cn", **preflight}
        )
        assert "access-control-allow-origin" not in closed.headers


def test_graphiql_loads_every_asset_from_the_product(app_client: TestClient) -> None:
    page = app_client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "GraphiQL" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(assets) >= 4
    for asset in assets:
        response = app_client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 500, asset


def test_each_log_record_is_flushed_at_once(tmp_path: Path) -> None:
    """Even on a block-buffered stream, a record is written before the process could die."""
    script = (
        "import io, os, sys\n"
        "sys.stderr = io.TextIOWrapper(open(sys.argv[1], 'wb', buffering=65536))\n"
        "from civicgraph.logs import configure_logging, get_logger\n"
        "configure_logging('INFO', 'json')\n"
        "get_logger('t').info('flushed.record')\n"
        "os._exit(0)\n"
    )
    log = tmp_path / "log.txt"
    subprocess.run([sys.executable, "-c", script, str(log)], check=True, timeout=60)
    record = json.loads(log.read_text().strip())
    assert record["event"] == "flushed.record"


def test_access_log_lines_leave_out_query_strings(capsys: pytest.CaptureFixture[str]) -> None:
    """A URL's query may hold a token or a GraphQL request's variables: the access log names
    the path only (the record uvicorn's HTTP protocol writes for each request)."""
    configure_logging("INFO", "json")
    access = logging.getLogger("uvicorn.access")
    line = '%s - "%s %s HTTP/%s" %d'
    access.info(line, "127.0.0.1:5000", "GET", f"/explore?token=SECRET&phone={PHONE}", "1.1", 200)
    access.info(line, "127.0.0.1:5000", "GET", "/health", "1.1", 200)
    err = capsys.readouterr().err
    assert "SECRET" not in err and PHONE not in err
    events = [json.loads(entry)["event"] for entry in err.splitlines()]
    assert events == [
        '127.0.0.1:5000 - "GET /explore?… HTTP/1.1" 200',
        '127.0.0.1:5000 - "GET /health HTTP/1.1" 200',
    ]

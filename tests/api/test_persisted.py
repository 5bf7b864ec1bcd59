"""Persisted queries on both engines: automatic persisted queries (a hash instead of the
document, after it was sent once), and the allow-list mode in which only registered
documents run, over HTTP (POST and GET) and over a WebSocket."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from api.limits.persisted import sha256_of
from civicgraph.settings import Settings
from tests.auth import api_client, token

STATS = "{ stats { buildings } }"
OTHER = "{ stats { grids } }"


def _persisted(sha: str, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha}}


def _code(response: Any) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


def test_automatic_persisted_queries(engine_settings: Settings) -> None:
    sha = sha256_of(STATS)
    with api_client(engine_settings) as client:
        unknown = client.post("/graphql", json={"extensions": _persisted(sha)})
        assert unknown.status_code == 200 and _code(unknown) == "PERSISTED_QUERY_NOT_FOUND"
        first = client.post("/graphql", json={"query": STATS, "extensions": _persisted(sha)})
        assert first.json()["data"] == {"stats": {"buildings": 0}}
        by_hash = client.post("/graphql", json={"extensions": _persisted(sha)})
        assert by_hash.json()["data"] == {"stats": {"buildings": 0}}
        assert by_hash.json()["extensions"]["cost"] >= 1
        params = {"extensions": json.dumps(_persisted(sha))}
        assert client.get("/graphql", params=params).json()["data"]["stats"]["buildings"] == 0
        wrong = client.post("/graphql", json={"query": OTHER, "extensions": _persisted(sha)})
        assert wrong.status_code == 400 and _code(wrong) == "BAD_USER_INPUT"
        newer = client.post("/graphql", json={"extensions": _persisted(sha, version=2)})
        assert _code(newer) == "PERSISTED_QUERY_NOT_SUPPORTED"
        malformed = client.post("/graphql", json={"extensions": _persisted("abc")})
        assert "sha256Hash" in malformed.json()["errors"][0]["message"]
        # Stored in the graph: another API process on the same store knows the hash.
        store = client.app.state.opened.store  # type: ignore[attr-defined]
        assert store.persisted_queries([sha]) == {sha: STATS}


def test_only_registered_documents_run_in_allow_list_mode(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, persisted_only=True, changes=False)
    with api_client(settings) as client:
        refused = client.post("/graphql", json={"query": STATS})
        assert refused.status_code == 400 and _code(refused) == "PERSISTED_QUERY_REQUIRED"
        sha = sha256_of(STATS)
        # Clients cannot register their own here.
        sent = client.post("/graphql", json={"query": STATS, "extensions": _persisted(sha)})
        assert _code(sent) == "PERSISTED_QUERY_REQUIRED"
        assert client.get("/graphql", params={"query": STATS}).status_code == 400
        store = client.app.state.opened.store  # type: ignore[attr-defined]
        store.save_persisted_query(sha, STATS, "test")
        assert client.post("/graphql", json={"query": STATS}).json()["data"]
        assert client.post("/graphql", json={"extensions": _persisted(sha)}).json()["data"]
        assert _code(client.post("/graphql", json={"query": OTHER})) == "PERSISTED_QUERY_REQUIRED"
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            init = {"Authorization": f"Bearer {token(settings)}"}
            ws.send_json({"type": "connection_init", "payload": init})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": OTHER}})
            answer = ws.receive_json()
            codes = [e["extensions"]["code"] for e in answer["payload"]["errors"]]
            assert codes == ["PERSISTED_QUERY_REQUIRED"], answer
            assert ws.receive_json() == {"id": "1", "type": "complete"}
            ws.send_json({"id": "2", "type": "subscribe", "payload": {"query": STATS}})
            answer = ws.receive_json()
            assert answer["type"] == "next" and answer["payload"]["data"]["stats"], answer


def test_documents_are_registered_from_the_command_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    document = tmp_path / "stats.graphql"
    document.write_text(STATS, encoding="utf-8")
    broken = tmp_path / "broken.graphql"
    broken.write_text("{ stats {", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    env["CIVICGRAPH_DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "civicgraph", "queries", "register"]
    bad = subprocess.run([*command, str(broken)], env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "not a GraphQL document" in bad.stderr
    done = subprocess.run([*command, str(document)], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith(sha256_of(STATS))
    settings = Settings(data_dir=tmp_path / "data", persisted_only=True, changes=False)
    with api_client(settings) as client:
        assert client.post("/graphql", json={"query": STATS}).json()["data"]

"""The console script: help everywhere, generation, store commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicgraph.cli import app

runner = CliRunner()


def last_json(output: str) -> dict:
    """The last JSON line a command printed (logs go to stderr, which the runner mixes in)."""
    return json.loads([line for line in output.splitlines() if line.startswith("{")][-1])


COMMANDS = [
    [],
    ["serve"],
    ["version"],
    ["schema"],
    ["ingest"],
    ["demo"],
    ["demo", "generate"],
    ["demo", "load"],
    ["store"],
    ["store", "stats"],
    ["store", "events"],
    ["store", "export"],
    ["store", "reset"],
    ["neo4j"],
    ["neo4j", "fetch"],
    ["neo4j", "start"],
    ["neo4j", "stop"],
    ["neo4j", "status"],
    ["risk"],
    ["risk", "assess"],
    ["nlp"],
    ["nlp", "score"],
    ["nlp", "train"],
    ["nlp", "extract"],
    ["nlp", "evaluate"],
    ["nlp", "hot-issues"],
    ["nlp", "propose"],
    ["nlp", "annotate"],
    ["nlp", "backfill"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "root")
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["missing.csv"], "paths"),
        (["people.csv", "--kind", "people"], "--kind"),
        (["people.csv", "--kind", "residents", "--mapping", "missing.yaml"], "--mapping"),
        (["empty"], "no .csv, .jsonl, .xlsx or .xls files in it"),
    ],
    ids=["missing file", "unknown kind", "missing mapping", "folder with nothing to load"],
)
def test_ingest_refuses_bad_arguments_before_starting_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arguments: list[str], named: str
) -> None:
    monkeypatch.setenv("CIVICGRAPH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "people.csv").write_text("resident_id,name\nR1,张伟\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "说明.txt").write_text("notes", encoding="utf-8")
    from civicgraph.settings import get_settings

    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["ingest", *arguments])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert named in result.output
    assert not (tmp_path / "data").exists()  # no engine was started


def test_generate_load_and_inspect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICGRAPH_DATA_DIR", str(tmp_path / "data"))
    from civicgraph.settings import get_settings

    get_settings.cache_clear()
    try:
        out = tmp_path / "community"
        result = runner.invoke(
            app, ["demo", "generate", "--residents", "200", "--seed", "3", "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert last_json(result.output)["rows"]["residents"] == 200
        result = runner.invoke(app, ["demo", "load", str(out)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["store", "stats"])
        assert last_json(result.output)["nodes"]["Resident"] == 200
        result = runner.invoke(app, ["store", "export", "Building:B000001", "--hops", "2"])
        exported = last_json(result.output)
        labels = {node["label"] for node in exported["nodes"]}
        assert {"Building", "Household", "Resident", "Grid"} <= labels
        assert "id_number" not in result.output and "phone" not in result.output
        assert all(link["source"] and link["type"] for link in exported["links"])
        personal = runner.invoke(app, ["store", "export", "Building:B000001", "--personal"])
        assert "id_number" in personal.output
        assert runner.invoke(app, ["store", "export", "B1"]).exit_code == 2
        result = runner.invoke(app, ["store", "events", "--limit", "2"])
        lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
        assert [e["seq"] for e in lines] == [1, 2]
        assert runner.invoke(app, ["store", "reset"]).exit_code == 2
        assert runner.invoke(app, ["store", "reset", "--yes"]).exit_code == 0
        result = runner.invoke(app, ["store", "stats"])
        assert last_json(result.output)["nodes"]["Resident"] == 0
    finally:
        get_settings.cache_clear()


def test_ingest_a_folder_loads_its_exports_and_not_its_reject_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIVICGRAPH_DATA_DIR", str(tmp_path / "data"))
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "grids.csv").write_text(
        "grid_id,name,level\nG1,幸福社区,community\nG2,,grid\n", encoding="utf-8"
    )
    (exports / "buildings.jsonl").write_text(
        '{"building_id": "B1", "name": "1栋", "grid_id": "G1"}\n', encoding="utf-8"
    )
    (exports / "说明.txt").write_text("导出说明", encoding="utf-8")
    from civicgraph.settings import get_settings

    get_settings.cache_clear()
    try:
        first = runner.invoke(app, ["ingest", str(exports), "--json"])
        assert first.exit_code == 0, first.output
        assert (exports / "grids.rejects.csv").exists()  # G2 has no name
        again = runner.invoke(app, ["ingest", str(exports), "--json"])
        assert again.exit_code == 0, again.output
    finally:
        get_settings.cache_clear()
    for result in (first, again):
        tables = [t["table"] for t in last_json(result.output)["tables"]]
        assert tables == ["grids.csv", "buildings.jsonl"]
    assert last_json(first.output)["created"] == 2
    assert last_json(again.output)["unchanged"] == 2


def test_ingest_into_an_empty_store_says_so_and_all_rejected_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk pointed at a data dir without the community: the job says it starts a new
    store, and as every row names a building that store lacks, it fails."""
    monkeypatch.setenv("CIVICGRAPH_DATA_DIR", str(tmp_path / "wrong"))
    residents = tmp_path / "居民.csv"
    residents.write_text(
        "姓名,性别,出生日期,楼栋,单元,房号\n钱三,男,1980-01-01,B000002,1,101\n", encoding="utf-8"
    )
    grids = tmp_path / "grids.csv"
    grids.write_text("grid_id,name,level\nG1,幸福社区,community\n", encoding="utf-8")
    from civicgraph.settings import get_settings

    get_settings.cache_clear()
    try:
        lost = runner.invoke(app, ["ingest", str(residents), "--json"])
        right = runner.invoke(
            app, ["ingest", str(grids), "--json", "--data-dir", str(tmp_path / "d")]
        )
        again = runner.invoke(
            app, ["ingest", str(grids), "--json", "--data-dir", str(tmp_path / "d")]
        )
    finally:
        get_settings.cache_clear()
    assert lost.exit_code == 1, lost.output
    assert "holds no graph yet" in lost.output and "every row was rejected" in lost.output
    summary = last_json(lost.output)
    assert summary["new_store"] is True and str(tmp_path / "wrong") in summary["store"]
    assert right.exit_code == 0 and last_json(right.output)["new_store"] is True
    assert str(tmp_path / "d") in last_json(right.output)["store"]
    assert again.exit_code == 0 and last_json(again.output)["new_store"] is False
    assert not (tmp_path / "wrong" / "falkordb").samefile(tmp_path / "d" / "falkordb")


def test_serve_with_two_workers_shares_one_embedded_server(tmp_path: Path) -> None:
    """Two worker processes answer on one port from one store; /metrics adds up both; the
    parent, which started the embedded server, stops it on exit."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    from civicgraph.devserver.neo4j import free_port
    from civicgraph.settings import Settings
    from graph.adapters.embedded import server_pids
    from tests.auth import token

    port = free_port()
    env = {**os.environ, "CIVICGRAPH_DATA_DIR": str(tmp_path), "CIVICGRAPH_DEMO_RESIDENTS": "50"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "civicgraph",
            "serve",
            "--demo",
            "--workers",
            "2",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    authorization = f"Bearer {token(Settings(data_dir=tmp_path))}"  # the key the workers find

    def post(query: str) -> dict:
        request = urllib.request.Request(
            f"{url}/graphql",
            data=json.dumps({"query": query}).encode(),
            headers={"content-type": "application/json", "authorization": authorization},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                post("{ stats { residents } }")
                break
            except OSError:
                assert time.monotonic() < deadline, "the API did not start"
                time.sleep(0.3)
        for _ in range(9):
            assert post("{ stats { residents } }")["data"]["stats"]["residents"] == 50
        served = 'civicgraph_http_requests_total{method="POST",route="/graphql",status="200"}'
        counted = 0.0
        deadline = time.monotonic() + 30
        while counted < 10 and time.monotonic() < deadline:
            # A request is counted once its answer is sent: the last may still be counting.
            with urllib.request.urlopen(f"{url}/metrics", timeout=30) as response:
                metrics = response.read().decode()
            counted = float(metrics.split(served)[1].split()[0])
            time.sleep(0.05)
        assert counted >= 10
        assert len(server_pids(tmp_path / "falkordb")) == 1
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(60)
    assert process.returncode == 0
    assert server_pids(tmp_path / "falkordb") == []


def test_risk_assess_ranks_and_draws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICGRAPH_DATA_DIR", str(tmp_path / "data"))
    from civicgraph.settings import get_settings

    get_settings.cache_clear()
    try:
        out = tmp_path / "community"
        assert runner.invoke(app, ["demo", "generate", "--residents", "200", "--out", str(out)])
        assert runner.invoke(app, ["demo", "load", str(out)]).exit_code == 0
        devices = (out / "devices.csv").read_text(encoding="utf-8").splitlines()
        transformer = next(line.split(",")[0] for line in devices if ",transformer," in line)
        picture = tmp_path / "risk.png"
        result = runner.invoke(
            app,
            ["risk", "assess", "--source", f"Device:{transformer}", "--hazard", "power_outage",
             "--top", "5", "--plot", str(picture)],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "Resident:" in result.output and "affected:" in result.output
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        bad = runner.invoke(
            app, ["risk", "assess", "--source", "Device:NOSUCH", "--hazard", "fire"]
        )
        assert bad.exit_code == 2 and "no node Device:NOSUCH" in bad.output
        flood = runner.invoke(
            app, ["risk", "assess", "--source", f"Device:{transformer}", "--hazard", "flood"]
        )
        assert flood.exit_code == 2 and "a flood cannot start at a" in flood.output
    finally:
        get_settings.cache_clear()

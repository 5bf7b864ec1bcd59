"""A killed or crashed ingest job resumes with --resume: no duplicates, no lost waiting rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graph.model import Label
from graph.port import GraphStore
from ingest.job.options import JobOptions
from ingest.job.run import IngestJob
from tests.ingest.helpers import (
    rejects,
    run,
    write_csv,
)


def test_killed_job_resumes_without_duplicates(tmp_path: Path) -> None:
    """kill -9 of `civicgraph ingest` mid-file, then --resume: every row once, rejects once."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from civicgraph.settings import Settings
    from civicgraph.wiring import open_store

    folder = tmp_path / "community"
    env = {
        **os.environ,
        "CIVICGRAPH_DATA_DIR": str(tmp_path / "data"),
        "CIVICGRAPH_BATCH_SIZE": "200",
    }
    cli = [sys.executable, "-m", "civicgraph"]
    subprocess.run(
        [*cli, "demo", "generate", "--out", str(folder), "--residents", "6000"],
        env=env,
        check=True,
        capture_output=True,
    )
    residents = folder / "residents.csv"
    lines = residents.read_text(encoding="utf-8").splitlines()
    lines.insert(3000, lines[3000].replace(",male,", ",unknown,").replace(",female,", ",unknown,"))
    residents.write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths = [str(folder / f"{k}.csv") for k in ("grids", "buildings", "households", "residents")]
    state_dir = tmp_path / "rejects" / ".civicgraph-ingest"
    job = subprocess.Popen(
        [*cli, "ingest", *paths, "--rejects", str(tmp_path / "rejects"), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        states = list(state_dir.glob("*.json")) if state_dir.exists() else []
        if states:
            saved = json.loads(states[0].read_text(encoding="utf-8"))
            if saved["tables"][3]["next_row"] > 3500:
                break
        time.sleep(0.05)
    else:
        job.kill()
        pytest.fail("the job never reached the middle of residents.csv")
    job.send_signal(signal.SIGKILL)
    job.wait()
    resumed = subprocess.run(
        [*cli, "ingest", *paths, "--rejects", str(tmp_path / "rejects"), "--resume", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    body = json.loads(resumed.stdout)
    table = body["tables"][3]
    assert table["resumed_after"] > 3000
    assert (table["read"], table["accepted"], table["rejected"]) == (6001, 6000, 1)
    reject_rows = rejects(tmp_path / "rejects" / "residents.rejects.csv")
    assert len(reject_rows) == 1 and reject_rows[0]["reason"].startswith("gender:")
    assert not state_dir.exists()
    opened = open_store(Settings(data_dir=tmp_path / "data"))
    try:
        assert opened.store.count_nodes()[Label.RESIDENT] == 6000
        created = [
            entity
            for e in opened.store.events_after(0, 100_000)
            if e.kind == "node_created" and e.label == "Resident"
            for entity in e.entity_ids
        ]
        assert len(created) == len(set(created)) == 6000  # each resident's creation once
    finally:
        opened.close()


class SimulatedCrashError(Exception):
    """Stands for the process dying between two commits."""


def run_until_crash(
    store: GraphStore, path: Path, out: Path, step: str, crash_at: Callable[..., bool]
) -> None:
    """Run a job (batches of 5 rows) whose `step` method dies where `crash_at(*args)` says."""
    store.batch_size = 5
    job = IngestJob(store, JobOptions(rejects_dir=out))
    original = getattr(job, step)

    def step_or_crash(*args: Any) -> None:
        if crash_at(*args):
            raise SimulatedCrashError
        original(*args)

    setattr(job, step, step_or_crash)
    with pytest.raises(SimulatedCrashError):
        job.run([path])


def test_interrupted_retry_of_waiting_rows_resumes_without_loss(
    store: GraphStore, tmp_path: Path
) -> None:
    """Rows that wait for rows of later batches are retried pass after pass over the spill
    file; an interruption mid-retry loses none of them and resume loads each exactly once."""
    chain = [["grid_id", "name", "level", "parent_id"]]
    chain += [[f"G{i}", f"网格{i}", "grid", f"G{i + 1}"] for i in range(1, 30)]
    chain += [["G30", "社区", "community", ""], ["G31", "孤立网格", "grid", "G99"]]
    grids = write_csv(tmp_path / "grids.csv", chain)
    retry_writes = 0

    def second_retry_write(items: list[Any]) -> bool:
        nonlocal retry_writes
        if items and all(item.row < 26 for item in items):  # rows of the retry passes
            retry_writes += 1
        return retry_writes == 2

    run_until_crash(store, grids, tmp_path / "out", "_send", second_retry_write)
    assert 0 < store.count_nodes().get(Label.GRID, 0) < 30

    summary, _ = run(store, grids, rejects_dir=tmp_path / "out", resume=True)
    assert store.count_nodes()[Label.GRID] == 30
    reasons = rejects(tmp_path / "out" / "grids.rejects.csv")
    assert [(r["grid_id"], r["reason"][:35]) for r in reasons] == [
        ("G31", "parent_id: unknown reference Grid:G")
    ]
    assert (summary.read, summary.accepted, summary.rejected) == (31, 30, 1)
    created = [e for e in store.events_after(0, 1000) if e.kind == "node_created"]
    assert sorted(i for e in created for i in e.entity_ids) == sorted(
        f"Grid:G{i}" for i in range(1, 31)
    )
    assert not (tmp_path / "out" / ".civicgraph-ingest").exists()


def test_crash_while_writes_are_in_flight_resumes_without_loss(
    store: GraphStore, tmp_path: Path
) -> None:
    """The job reads the next batch while the store runs the writes of the one before; a
    crash before those writes are acknowledged (with a reject of the next batch already
    read) resumes from the last acknowledged batch: every grid once, the reject once."""
    rows = [["grid_id", "name", "level", "parent_id"], ["G0", "社区", "community", ""]]
    rows += [[f"G{i}", f"网格{i}", "grid", "G0"] for i in range(1, 20)]
    rows.insert(13, ["G99", "坏网格", "bogus", "G0"])  # read in the third batch
    grids = write_csv(tmp_path / "grids.csv", rows)
    calls = 0

    def third_settle(state: object) -> bool:
        nonlocal calls
        calls += 1
        return calls == 3  # the second batch's writes were sent, the third batch was read

    run_until_crash(store, grids, tmp_path / "out", "_settle", third_settle)
    assert not (tmp_path / "out" / "grids.rejects.csv").exists()

    summary, resumed = run(store, grids, rejects_dir=tmp_path / "out", resume=True)
    assert resumed.reports[0].resumed_after == 5
    assert (summary.read, summary.accepted, summary.rejected) == (21, 20, 1)
    assert [r["grid_id"] for r in rejects(tmp_path / "out" / "grids.rejects.csv")] == ["G99"]
    assert store.count_nodes()[Label.GRID] == 20
    created = [e for e in store.events_after(0, 1000) if e.kind == "node_created"]
    assert sorted(i for e in created for i in e.entity_ids) == sorted(
        f"Grid:G{i}" for i in range(20)
    )

"""`civicgraph relay` on its own beside an API that relays nothing, and `civicgraph events
tail` printing changes, against the embedded FalkorDB the API started."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from civicgraph.settings import Engine, Settings
from tests.changes.live import LiveAPI, environment


@pytest.fixture
def live(tmp_path: Path) -> LiveAPI:
    settings = Settings(engine=Engine.FALKORDB, data_dir=tmp_path / "data", graph_name="cli")
    return LiveAPI(settings, tmp_path / "api.log")


def _command(live: LiveAPI, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "civicgraph", *arguments]


def test_a_standalone_relay_and_tail(live: LiveAPI) -> None:
    live.start(relay=False)
    env = environment(live.settings)
    try:
        for n in range(1, 4):
            live.build(n, f"{n}栋")
        assert live.pulled() == []
        relay = subprocess.Popen(_command(live, "relay"), env=env)
        try:
            deadline = time.monotonic() + 60
            while len(live.pulled()) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            live.build(4, "4栋")
            tailed = subprocess.run(
                _command(
                    live, "events", "tail", "--after", "0-0", "--type", "Building", "--limit", "4"
                ),
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
        finally:
            relay.terminate()
            relay.wait(timeout=30)
        changes = [json.loads(line) for line in tailed.stdout.splitlines()]
        assert [c["entity_id"] for c in changes] == [f"Building:B{n}" for n in range(1, 5)]
        refused = subprocess.run(
            _command(live, "events", "tail", "--after", "soon"),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert refused.returncode == 2 and "--after" in refused.stderr
    finally:
        live.stop()

"""GraphiQL in a real browser (Debian's Chromium, driven by playwright-core): it renders and
runs a query with every asset served by the product, nothing fetched from elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

BROWSER = Path(__file__).parents[1] / "browser"


def test_graphiql_runs_a_query_offline_in_chromium(live_url: str, live_token: str) -> None:
    completed = subprocess.run(
        ["node", str(BROWSER / "graphiql.mjs"), live_url],
        capture_output=True,
        text=True,
        env={**os.environ, "CIVICGRAPH_TOKEN": live_token},
        timeout=180,
        check=True,
    )
    seen = json.loads(completed.stdout.strip().splitlines()[-1])
    assert seen["errors"] == []
    assert '"residents": 50' in seen["result"], seen["result"]
    origin = urlsplit(live_url).netloc
    assert seen["requests"] and all(urlsplit(u).netloc == origin for u in seen["requests"])
    assert any(u.endswith("/graphiql/assets/graphiql.min.js") for u in seen["requests"])


def test_the_explorer_works_in_chromium(live_url: str, live_token: str, tmp_path: Path) -> None:
    """Search, place, expand, filter, a path, the timeline, the details panel, an investigation
    saved and reopened after a reload, PNG and GraphML export and the map, all offline; a
    screenshot is kept as the test's artefact."""
    origin = live_url.removesuffix("/graphql")
    shot = tmp_path / "explorer.png"
    completed = subprocess.run(
        ["node", str(BROWSER / "explorer.mjs"), origin, str(shot)],
        capture_output=True,
        text=True,
        env={**os.environ, "CIVICGRAPH_TOKEN": live_token},
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    seen = json.loads(completed.stdout.strip().splitlines()[-1])
    assert seen["errors"] == []
    assert seen["tokenTaken"] and "token" not in seen["address"], seen["address"]
    building, household = seen["building"], seen["household"]
    assert building in seen["results"]
    assert "compound" in seen["details"] and "lat" in seen["details"]
    assert household in seen["afterExpand"] and len(seen["afterExpand"]) > 2
    assert household not in seen["afterFilter"] and building in seen["afterFilter"]
    assert seen["paths"] and seen["paths"][0] == 1  # the household resides in the building
    assert "CREATED" in seen["timeline"]
    assert seen["png"].startswith("data:image/png")
    assert seen["graphml"].startswith("<?xml") and "<graphml" in seen["graphml"]
    assert seen["beforeReopen"] == 0 and set(seen["savedNodes"]) <= set(seen["reopened"])
    assert set(seen["afterExpand"]) <= set(seen["reopened"])  # its relationships come back too
    assert seen["mapBuildings"] > 0
    large = seen["large"]
    assert large["nodes"] > 600 and large["spots"] == large["nodes"] and large["inView"]
    assert large["quietBefore"] == large["nodes"] and large["quietAfter"] == 0
    assert large["plain"] == large["edges"] >= 599 and large["hubInMiddle"]
    assert large["listed"] == large["elements"]
    assert shot.stat().st_size > 10_000
    assert all(urlsplit(u).netloc == urlsplit(origin).netloc for u in seen["requests"])

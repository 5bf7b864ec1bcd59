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

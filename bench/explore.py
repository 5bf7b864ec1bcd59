"""Exploration benchmark on the benchmark community: the 2-hop neighbourhood of the busiest
building, the 3 shortest paths (≤ 6 hops) between random pairs of residents, a
building's timeline, each through the API (median of repeated requests), and the explorer's
first render of 2,000 nodes in headless Chromium.

    python -m bench.explore --residents 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from rich.console import Console

from api.app import create_app
from api.auth.principal import Role
from api.auth.tokens import issue_token
from bench.api import loaded_store
from bench.report import report
from civicgraph.settings import Engine, Settings

console = Console(width=160)
RENDER = Path(__file__).with_name("explorer_render.mjs")


def _timed(client: TestClient, query: str, **variables: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    answer = client.post("/graphql", json={"query": query, "variables": variables}).json()
    elapsed = (time.perf_counter() - started) * 1000
    assert "errors" not in answer, answer["errors"]
    return elapsed, answer["data"]


def _median(client: TestClient, query: str, runs: int, **variables: Any) -> float:
    return round(statistics.median(_timed(client, query, **variables)[0] for _ in range(runs)), 1)


def measure(settings: Settings, runs: int, render: bool) -> dict[str, Any]:
    token = issue_token(settings, Role.ADMIN, "bench")
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {token}"}) as client:
        listed = _timed(
            client, "{ buildings(first: 300) { nodes { id households { totalCount } } } }"
        )[1]["buildings"]["nodes"]
        busiest = max(listed, key=lambda b: b["households"]["totalCount"])["id"]
        hood = """query ($ids: [ID!]!) { neighbourhood(ids: $ids, depth: 2, limit: 5000) {
          nodes { id __typename label } edges { id type source target } truncated } }"""
        _, view = _timed(client, hood, ids=[busiest])
        district = _timed(
            client, "{ grids(first: 1, filter: {level: {eq: DISTRICT}}) { nodes { id } } }"
        )
        del district
        residents = _timed(client, "{ residents(first: 500) { nodes { id } } }")[1]
        ids = [r["id"] for r in residents["residents"]["nodes"]]
        rng = random.Random(7)
        paths = """query ($from: ID!, $to: ID!) { paths(from: $from, to: $to, k: 3, maxHops: 6) {
          length } }"""
        path_times = []
        found = 0
        for _ in range(runs):
            a, b = rng.sample(ids, 2)
            elapsed, data = _timed(client, paths, **{"from": a, "to": b})
            path_times.append(elapsed)
            found += bool(data["paths"])
        timeline = """query ($ids: [ID!]!) { timeline(ids: $ids, first: 50) { totalCount } }"""
        rows = {
            "busiest_building": busiest,
            "neighbourhood_2hop_nodes": len(view["neighbourhood"]["nodes"]),
            "neighbourhood_2hop_ms": _median(client, hood, runs, ids=[busiest]),
            "paths_k3_6hops_ms": round(statistics.median(path_times), 1),
            "paths_pairs_connected": f"{found}/{runs}",
            "timeline_building_ms": _median(client, timeline, runs, ids=[busiest]),
        }
    if render:
        rows.update(render_time(settings, token))
    return rows


def render_time(settings: Settings, token: str) -> dict[str, Any]:
    """Start the API, open the explorer in Chromium and time the first render of 2,000 nodes."""
    import threading

    import uvicorn

    from civicgraph.devserver.neo4j import free_port

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        out = subprocess.run(
            ["node", str(RENDER), f"http://127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            env={**os.environ, "CIVICGRAPH_TOKEN": token},
            timeout=300,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.should_exit = True
        thread.join(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-render", action="store_true")
    parser.add_argument("--update-baseline", action="store_true")
    args = parser.parse_args()
    with loaded_store("falkordb", args.residents) as env:
        settings = Settings(
            engine=Engine.FALKORDB,
            data_dir=Path(env["CIVICGRAPH_DATA_DIR"]),
            changes=False,
            nlp=False,
        )
        rows = measure(settings, args.runs, not args.no_render)
    report(
        console,
        f"civicgraph exploration, {args.residents:,} residents",
        f"explore.{args.residents}",
        rows,
        args.update_baseline,
    )


if __name__ == "__main__":
    main()

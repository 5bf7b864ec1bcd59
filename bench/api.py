"""API benchmark: node(id) and a nested grid → buildings → households → members query,
p50/p99 latency and requests/s at several client concurrencies, against `civicgraph serve`.

    python -m bench.api --engine falkordb --residents 100000

The store is loaded once per engine and size (kept under .cache/bench); the API runs as its own
process (one uvicorn worker); clients are asyncio tasks of this process on the same 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
from rich.console import Console
from rich.table import Table

from bench.auth import AUTH, SERVER_ENV
from bench.store import BASELINE, CACHE, RESULTS, community, percentile
from civicgraph.devserver.neo4j import Neo4jInstance, fetch, free_port
from civicgraph.settings import Engine, Settings
from civicgraph.wiring import open_store
from graph.model import Label
from ingest.job.run import load_folder

console = Console(width=160)
NODE = "query ($id: ID!) { node(id: $id) { id ... on Resident { name age gender } } }"
# Within the default query cost limit (20 + 20 x 50 + 20 x 50 x 20 = 21,020 objects).
NESTED = """query ($id: ID!) { node(id: $id) { ... on Grid { name buildings(first: 20) {
  nodes { name households(first: 50) { nodes { id members(first: 20) {
  nodes { id name age } } } } } } } } }"""


@contextmanager
def loaded_store(engine: str, residents: int) -> Iterator[dict[str, str]]:
    """Environment variables of a store holding the community (loaded on first use)."""
    home = CACHE / f"api-{engine}-{residents}"
    env = {"CIVICGRAPH_ENGINE": engine, "CIVICGRAPH_DATA_DIR": str(home / "data")}
    instance = None
    if engine == "neo4j":
        instance = Neo4jInstance(
            home / "neo4j", free_port(), free_port(), heap="2g", pagecache="1g"
        )
        instance.start(fetch())
        env["CIVICGRAPH_NEO4J_URI"] = instance.uri
    try:
        settings = Settings(
            engine=Engine(engine),
            data_dir=home / "data",
            neo4j_uri=env.get("CIVICGRAPH_NEO4J_URI", "bolt://127.0.0.1:7687"),
        )
        opened = open_store(settings)
        if opened.store.count_nodes()[Label.RESIDENT] != residents:
            opened.store.clear()
            load_folder(opened.store, community(residents), "bench", "bench")
        opened.close()
        yield env
    finally:
        if instance:
            instance.stop()


@contextmanager
def api_server(env: dict[str, str], workers: int = 1) -> Iterator[str]:
    port = free_port()
    command = ["serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        [sys.executable, "-m", "civicgraph", *command],
        env={**os.environ, **env, **SERVER_ENV, "CIVICGRAPH_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            try:
                if httpx2.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            time.sleep(0.2)
        console.print(f"API ready {time.monotonic() - started:.1f} s after start")
        yield f"{url}/graphql"
    finally:
        process.terminate()
        process.wait(60)


async def load(
    url: str, query: str, ids: list[str], clients: int, seconds: float
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    rng = random.Random(clients)

    async def client(http: httpx2.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            response = await http.post(
                url, json={"query": query, "variables": {"id": rng.choice(ids)}}
            )
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or "errors" in response.json():
                errors += 1

    limits = httpx2.Limits(max_connections=clients)
    async with httpx2.AsyncClient(limits=limits, timeout=60, headers=AUTH) as http:
        began = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - began
    return {
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "rps": round(len(latencies) / elapsed, 1),
        "requests": len(latencies),
        "errors": errors,
    }


def grid_ids(url: str) -> list[str]:
    query = "{ grids(first: 500, filter: {level: {eq: GRID}}) { nodes { id } } }"
    response = httpx2.post(url, json={"query": query}, timeout=60, headers=AUTH).json()
    return [node["id"] for node in response["data"]["grids"]["nodes"]]


def run(
    engine: str, residents: int, seconds: float, concurrency: list[int]
) -> list[dict[str, Any]]:
    results = []
    with loaded_store(engine, residents) as env, api_server(env) as url:
        residents_ids = [f"Resident:R{n:08d}" for n in range(1, residents + 1)]
        grids = grid_ids(url)
        nested_size = len(
            json.dumps(
                httpx2.post(
                    url,
                    json={"query": NESTED, "variables": {"id": grids[0]}},
                    timeout=60,
                    headers=AUTH,
                ).json()
            )
        )
        for name, query, ids in (("node(id)", NODE, residents_ids), ("nested", NESTED, grids)):
            for clients in concurrency:
                measured = asyncio.run(load(url, query, ids, clients, seconds))
                results.append(
                    {
                        "engine": engine,
                        "residents": residents,
                        "query": name,
                        "clients": clients,
                        **measured,
                    }
                )
                console.print(results[-1])
        console.print(f"nested response size for one grid: {nested_size:,} bytes")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("falkordb", "neo4j", "both"), default="falkordb")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--update-baseline", action="store_true")
    args = parser.parse_args()
    engines = ("falkordb", "neo4j") if args.engine == "both" else (args.engine,)
    RESULTS.mkdir(parents=True, exist_ok=True)
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    table = Table(title="civicgraph API benchmark")
    for column in ("engine", "query", "clients", "p50 ms", "p99 ms", "req/s", "errors"):
        table.add_column(column, justify="right")
    for engine in engines:
        for result in run(engine, args.residents, args.seconds, args.concurrency):
            key = f"api-{engine}-{result['residents']}-{result['query']}-{result['clients']}"
            old = baseline.get(key, {})
            delta = f" ({(result['rps'] - old['rps']) / old['rps']:+.0%})" if old else ""
            table.add_row(
                engine,
                result["query"],
                str(result["clients"]),
                f"{result['p50_ms']}",
                f"{result['p99_ms']}",
                f"{result['rps']}{delta}",
                str(result["errors"]),
            )
            (RESULTS / f"{key}.json").write_text(json.dumps(result, indent=1))
            if args.update_baseline:
                baseline[key] = result
    console.print(table)
    if args.update_baseline:
        BASELINE.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

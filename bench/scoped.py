"""Row-scope benchmark: what bounding a caller to its rows costs. The same list, node and
nested queries as a grid worker (scoped in the store queries) and as an admin asking for the
same rows (the list with an explicit `inGrid` filter), one client, p50/p99 per query; and a
district's grid worker listing against an admin listing everything.

    python -m bench.scoped --engine both --residents 100000

Runs against `civicgraph serve` on the benchmark community (see bench/api.py).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from typing import Any

import httpx2
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from api.auth.principal import Role
from api.auth.tokens import issue_token
from bench.api import api_server, loaded_store
from bench.auth import AUTH, BENCH_SECRET
from bench.store import BASELINE, RESULTS, percentile
from civicgraph.settings import Settings

console = Console(width=160)
LIST = """query ($grid: ID) { residents(first: 20, orderBy: {field: NAME}, filter: {inGrid: $grid})
  { totalCount nodes { id name age } } }"""
NODE = "query ($id: ID!) { node(id: $id) { id ... on Resident { name age gender } } }"
NESTED = """query ($id: ID!) { node(id: $id) { ... on Building { name households(first: 50) {
  nodes { id members(first: 20) { nodes { id name age } } } } } } }"""


Variables = list[dict[str, Any]]


def worker_headers(grid: str) -> dict[str, str]:
    settings = Settings(auth_jwt_secret=SecretStr(BENCH_SECRET))
    token = issue_token(settings, Role.GRID_WORKER, "bench-worker", grids=(grid.split(":")[1],))
    return {"Authorization": f"Bearer {token}"}


def timed(
    http: httpx2.Client, query: str, sides: list[tuple[Variables, dict[str, str]]]
) -> list[dict[str, float]]:
    """p50 and p99 of each side (its variables and headers), one request at a time, the sides
    taking turns request by request (so that neither gets a warmer server), after a warm-up
    pass of each."""
    latencies: list[list[float]] = [[] for _ in sides]
    rounds = len(sides[0][0])
    for i in range(-20, rounds):
        for side, (variables, headers) in enumerate(sides):
            sent = {"query": query, "variables": variables[max(i, 0)]}
            started = time.perf_counter()
            answer = http.post("/graphql", json=sent, headers=headers).json()
            if i >= 0:
                latencies[side].append((time.perf_counter() - started) * 1000)
            assert "errors" not in answer, answer["errors"]
    return [
        {
            "p50_ms": round(statistics.median(measured), 2),
            "p99_ms": round(percentile(measured, 99), 2),
        }
        for measured in latencies
    ]


def _ids(http: httpx2.Client, query: str, path: list[str], **variables: Any) -> list[str]:
    answer = http.post("/graphql", json={"query": query, "variables": variables}).json()
    assert "errors" not in answer, answer["errors"]
    found: Any = answer["data"]
    for key in path:
        found = found[key]
    return [node["id"] for node in found]


def run(engine: str, residents: int, requests: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    results = []
    with (
        loaded_store(engine, residents) as env,
        api_server(env) as url,
        httpx2.Client(base_url=url.removesuffix("/graphql"), headers=AUTH, timeout=60) as http,
    ):
        leaves = _ids(
            http,
            "{ grids(first: 500, filter: {level: {eq: GRID}}) { nodes { id } } }",
            ["grids", "nodes"],
        )
        grid = leaves[len(leaves) // 2]
        buildings = _ids(
            http,
            "query ($g: ID) { buildings(first: 200, filter: {inGrid: $g}) { nodes { id } } }",
            ["buildings", "nodes"],
            g=grid,
        )
        people = _ids(
            http,
            "query ($g: ID) { residents(first: 500, filter: {inGrid: $g}) { nodes { id } } }",
            ["residents", "nodes"],
            g=grid,
        )
        districts = _ids(
            http,
            "{ grids(first: 50, filter: {level: {eq: DISTRICT}}) { nodes { id } } }",
            ["grids", "nodes"],
        )
        worker, district_worker = worker_headers(grid), worker_headers(districts[0])
        # name, query, the worker's variables, its headers, and the admin's variables for the
        # same rows (None: the same variables give them)
        cases: list[tuple[str, str, Variables, dict[str, str], Variables | None]] = [
            ("list", LIST, [{"grid": None}] * requests, worker, [{"grid": grid}] * requests),
            ("node", NODE, [{"id": rng.choice(people)} for _ in range(requests)], worker, None),
            (
                "nested",
                NESTED,
                [{"id": rng.choice(buildings)} for _ in range(requests)],
                worker,
                None,
            ),
            # A district's worker: its rows are (nearly) all of the benchmark community.
            ("list, district", LIST, [{"grid": None}] * requests, district_worker, None),
        ]
        for name, query, variables, headers, same_rows in cases:
            scoped, unscoped = timed(
                http, query, [(variables, headers), (same_rows or variables, AUTH)]
            )
            row = {"engine": engine, "residents": residents, "query": name}
            row |= {f"scoped_{k}": v for k, v in scoped.items()}
            row |= {f"unscoped_{k}": v for k, v in unscoped.items()}
            row["ratio"] = round(scoped["p50_ms"] / unscoped["p50_ms"], 2)
            results.append(row)
            console.print(row)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("falkordb", "neo4j", "both"), default="falkordb")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--update-baseline", action="store_true")
    args = parser.parse_args()
    engines = ("falkordb", "neo4j") if args.engine == "both" else (args.engine,)
    RESULTS.mkdir(parents=True, exist_ok=True)
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    table = Table(
        title="civicgraph row scopes: a grid worker against an admin asking for the same rows "
        "(p50 / p99 ms)"
    )
    for column in ("engine", "query", "grid worker", "admin", "ratio of p50"):
        table.add_column(column, justify="right")
    for engine in engines:
        for result in run(engine, args.residents, args.requests):
            key = f"scoped-{engine}-{result['residents']}-{result['query']}"
            old = baseline.get(key, {})
            delta = f" (was {old['ratio']})" if old else ""
            table.add_row(
                engine,
                result["query"],
                f"{result['scoped_p50_ms']} / {result['scoped_p99_ms']}",
                f"{result['unscoped_p50_ms']} / {result['unscoped_p99_ms']}",
                f"{result['ratio']}{delta}",
            )
            (RESULTS / f"{key}.json").write_text(json.dumps(result, indent=1))
            if args.update_baseline:
                baseline[key] = result
    console.print(table)
    if args.update_baseline:
        BASELINE.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

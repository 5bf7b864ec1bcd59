"""Availability under load: while clients run the heaviest query the cost limit allows, how
fast does a cheap request (`{ stats { residents } }`) come back?

    python -m bench.load --residents 20000 --workers 2 --heavy-clients 4 --seconds 20

The API runs as its own process (`civicgraph serve --workers N`); the clients are asyncio
tasks of this process, on the same 2 cores. The heavy query fetches 30 aliases of 500
residents with their households and buildings: 45,000 objects by the estimate, every one real.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any

import httpx2
from rich.console import Console
from rich.table import Table

from bench.api import api_server, loaded_store
from bench.auth import AUTH
from bench.store import BASELINE, RESULTS, percentile

console = Console(width=160)
ONE_PAGE = "residents(first: 500) { nodes { id name household { id building { id name } } } }"
HEAVY = "{ " + " ".join(f"a{n}: {ONE_PAGE}" for n in range(30)) + " }"
STATS = "{ stats { residents } }"


async def measure(url: str, heavy_clients: int, seconds: float, interval: float) -> dict[str, Any]:
    stop = time.perf_counter() + seconds
    heavy: list[float] = []
    cheap: list[float] = []
    refused = errors = 0

    async def heavy_client(http: httpx2.AsyncClient) -> None:
        nonlocal refused, errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            response = await http.post(url, json={"query": HEAVY})
            heavy.append((time.perf_counter() - started) * 1000)
            body = response.json()
            if body.get("errors"):
                code = body["errors"][0].get("extensions", {}).get("code")
                refused += code == "QUERY_TOO_COSTLY"
                errors += code != "QUERY_TOO_COSTLY"

    async def cheap_client(http: httpx2.AsyncClient) -> None:
        nonlocal errors
        await asyncio.sleep(min(2.0, seconds / 10))  # let the heavy load build up
        while time.perf_counter() < stop:
            started = time.perf_counter()
            response = await http.post(url, json={"query": STATS})
            cheap.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or "errors" in response.json():
                errors += 1
            await asyncio.sleep(interval)

    limits = httpx2.Limits(max_connections=heavy_clients + 1)
    async with httpx2.AsyncClient(limits=limits, timeout=120, headers=AUTH) as http:
        await asyncio.gather(
            *(heavy_client(http) for _ in range(heavy_clients)), cheap_client(http)
        )
    return {
        "stats_p50_ms": round(statistics.median(cheap), 1),
        "stats_p99_ms": round(percentile(cheap, 99), 1),
        "stats_max_ms": round(max(cheap), 1),
        "stats_requests": len(cheap),
        "heavy_p50_ms": round(statistics.median(heavy), 1) if heavy else None,
        "heavy_requests": len(heavy),
        "heavy_refused": refused,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("falkordb", "neo4j"), default="falkordb")
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--heavy-clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--update-baseline", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    table = Table(title=f"stats latency while {args.heavy_clients} clients run the heaviest query")
    for column in (
        "engine",
        "workers",
        "stats p50",
        "p99",
        "max ms",
        "n",
        "heavy p50 ms",
        "heavy n",
        "errors",
        "baseline p99",
    ):
        table.add_column(column, justify="right")
    with loaded_store(args.engine, args.residents) as env:
        for workers in args.workers:
            with api_server(env, workers) as url:
                result = asyncio.run(measure(url, args.heavy_clients, args.seconds, args.interval))
            key = f"load-{args.engine}-{args.residents}-w{workers}-h{args.heavy_clients}"
            old = baseline.get(key, {}).get("stats_p99_ms")
            table.add_row(
                args.engine,
                str(workers),
                str(result["stats_p50_ms"]),
                str(result["stats_p99_ms"]),
                str(result["stats_max_ms"]),
                str(result["stats_requests"]),
                str(result["heavy_p50_ms"]),
                str(result["heavy_requests"]),
                str(result["errors"]),
                str(old or "-"),
            )
            record = {
                "engine": args.engine,
                "residents": args.residents,
                "workers": workers,
                "heavy_clients": args.heavy_clients,
                **result,
            }
            (RESULTS / f"{key}.json").write_text(json.dumps(record, indent=1))
            if args.update_baseline:
                baseline[key] = record
    console.print(table)
    if args.update_baseline:
        BASELINE.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

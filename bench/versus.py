"""Side by side with the peer: civicgraph and @neo4j/graphql (Apollo Server, one Node process)
serving one Neo4j that holds the generated community; then civicgraph on FalkorDB.

    python -m bench.versus --residents 20000 --rounds 5 --requests 40

Both APIs must answer the four queries identically (ids and enumeration codes normalised),
then they take turns in rounds (the order flipped every round), one client, sequential
requests with the same random arguments. Per query: median and p95 latency, API and Neo4j CPU
per request, Cypher queries per request (civicgraph's store metric; the peer counts its own
driver calls). Then `wrk` at 20 connections on the resident lookup. The peer's type
definitions are `bench/peer/type-defs.graphql`; `npm ci` installs it on first use.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import psutil
from rich.console import Console
from rich.table import Table

from bench.api import loaded_store
from bench.auth import AUTH
from bench.contenders import Api, civicgraph, cpu_of, neo4j_processes, peer, wrk
from bench.store import RESULTS, percentile

console = Console(width=180)


@dataclass(frozen=True)
class Query:
    name: str
    ours: str
    peer: str
    arguments: Callable[[random.Random], dict[str, Any]]  # the peer's
    translate: Callable[[dict[str, Any]], dict[str, Any]]  # the peer's arguments → civicgraph's


def queries(residents: int, leaf_grids: list[str], terms: list[str]) -> list[Query]:
    def resident(rng: random.Random) -> dict[str, Any]:
        return {"id": f"R{rng.randint(1, residents):08d}"}

    def after_offset(arguments: dict[str, Any]) -> dict[str, Any]:
        """The peer's offset as a cursor: after the grid just before it."""
        if not arguments["offset"]:
            return {"after": None}
        after = leaf_grids[arguments["offset"] - 1]
        cursor = json.dumps(["id", after, after], ensure_ascii=False).encode()
        return {"after": base64.urlsafe_b64encode(cursor).decode()}

    return [
        Query(
            "one resident by id",
            "query ($id: ID!) { node(id: $id) { ... on Resident { id name gender } } }",
            "query ($id: ID!) { residents(where: {id: {eq: $id}}) { id name gender } }",
            resident,
            lambda a: {"id": f"Resident:{a['id']}"},
        ),
        Query(
            "50 residents of a grid, by name",
            """query ($grid: ID!) { residents(first: 50, filter: {inGrid: $grid},
            orderBy: {field: NAME}) { nodes { id name } } }""",
            """query ($grid: ID!) { residents(limit: 50, sort: [{name: ASC}, {id: ASC}],
            where: {household: {some: {building: {some: {grid: {some: {id: {eq: $grid}}}}}}}})
            { id name } }""",
            lambda rng: {"grid": rng.choice(leaf_grids)},
            lambda a: {"grid": f"Grid:{a['grid']}"},
        ),
        Query(
            "5 grids → buildings (≤50) → households (≤50) → members (≤20)",
            """query ($after: String) { grids(first: 5, after: $after,
            filter: {level: {eq: GRID}}) { nodes { id name buildings(first: 50) { nodes {
            id name households(first: 50) { nodes { id members(first: 20) { nodes {
            id name } } } } } } } } }""",
            """query ($offset: Int!) { grids(limit: 5, offset: $offset, sort: [{id: ASC}],
            where: {level: {eq: "grid"}}) { id name
            buildings(limit: 50, sort: [{id: ASC}]) { id name
            households(limit: 50, sort: [{id: ASC}]) { id
            members(limit: 20, sort: [{id: ASC}]) { id name } } } } }""",
            lambda rng: {"offset": rng.randrange(max(1, len(leaf_grids) - 4))},
            after_offset,
        ),
        Query(
            "Chinese contains on building name or address",
            """query ($text: String!) { buildings(first: 50, filter: {OR: [
            {name: {contains: $text}}, {address: {contains: $text}}]}) {
            nodes { id name address } } }""",
            """query ($text: String!) { buildings(limit: 50, sort: [{id: ASC}], where: {OR: [
            {name: {contains: $text}}, {address: {contains: $text}}]}) { id name address } }""",
            lambda rng: {"text": rng.choice(terms)},
            lambda a: a,
        ),
    ]


_GLOBAL_ID = re.compile(r"^[A-Z][a-z]+:(.+)$")


def normal(value: Any, key: str = "") -> Any:
    """A response in the peer's shape: connections as lists, ids without their label,
    enumeration names as stored codes."""
    if isinstance(value, dict):
        if set(value) == {"nodes"}:
            return normal(value["nodes"])
        return {k: normal(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normal(v) for v in value]
    if key == "id" and isinstance(value, str):
        found = _GLOBAL_ID.match(value)
        return found.group(1) if found else value
    if key in ("gender", "level") and isinstance(value, str):
        return value.lower()
    return value


def ask(http: httpx2.Client, api: Api, query: str, variables: dict[str, Any]) -> Any:
    response = http.post(api.url, json={"query": query, "variables": variables})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{api.name}: {response.status_code} {str(body)[:500]}")
    return body["data"]


def check_same(http: httpx2.Client, ours: Api, theirs: Api, query: Query, samples: int) -> None:
    rng = random.Random(7)
    for _ in range(samples):
        arguments = query.arguments(rng)
        (mine,) = normal(ask(http, ours, query.ours, query.translate(arguments))).values()
        (peers,) = normal(ask(http, theirs, query.peer, arguments)).values()
        if isinstance(mine, dict) and isinstance(peers, list) and len(peers) == 1:
            peers = peers[0]  # node(id:) against the peer's list filtered by id
        if mine != peers:
            raise AssertionError(f"{query.name}: the answers differ for {arguments}")


def timed(
    http: httpx2.Client, api: Api, query: Query, requests: int, seed: int, db: list[psutil.Process]
) -> dict[str, Any]:
    rng = random.Random(seed)
    arguments = [query.arguments(rng) for _ in range(requests)]
    text = query.ours if api.name == "civicgraph" else query.peer
    if api.name == "civicgraph":
        arguments = [query.translate(a) for a in arguments]
    sent, api_cpu, db_cpu = api.queries_sent(), api.cpu(), cpu_of(db)
    latencies = []
    for variables in arguments:
        started = time.perf_counter()
        ask(http, api, text, variables)
        latencies.append((time.perf_counter() - started) * 1000)
    return {
        "latencies": latencies,
        "api_cpu_ms": (api.cpu() - api_cpu) * 1000 / requests,
        "db_cpu_ms": (cpu_of(db) - db_cpu) * 1000 / requests,
        "round_trips": (api.queries_sent() - sent) / requests,
    }


def compare(
    ours: Api, theirs: Api, plan: list[Query], rounds: int, requests: int, db: list[psutil.Process]
) -> dict[str, dict[str, Any]]:
    """Each query on both APIs, alternated in rounds; per query and API: the figures."""
    results: dict[str, dict[str, Any]] = {}
    with httpx2.Client(timeout=120, headers=AUTH) as http:
        for query in plan:
            check_same(http, ours, theirs, query, samples=5)
            timed(http, ours, query, 3, 0, db)  # warm both (plans, caches, JIT)
            timed(http, theirs, query, 3, 0, db)
            runs: dict[str, list[dict[str, Any]]] = {"civicgraph": [], "peer": []}
            for r in range(rounds):
                for api in (ours, theirs) if r % 2 == 0 else (theirs, ours):
                    runs[api.name].append(timed(http, api, query, requests, r, db))
            results[query.name] = {name: _summary(found) for name, found in runs.items()}
            console.print(f"  {query.name}: done")
    return results


def _summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    latencies = [ms for run in runs for ms in run["latencies"]]
    return {
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "api_cpu_ms": round(statistics.mean(run["api_cpu_ms"] for run in runs), 2),
        "db_cpu_ms": round(statistics.mean(run["db_cpu_ms"] for run in runs), 2),
        "round_trips": round(statistics.mean(run["round_trips"] for run in runs), 2),
    }


def alone(api: Api, plan: list[Query], rounds: int, requests: int) -> dict[str, dict[str, float]]:
    """civicgraph alone (on FalkorDB): the same queries, the same arguments."""
    with httpx2.Client(timeout=120, headers=AUTH) as http:
        results = {}
        for query in plan:
            timed(http, api, query, 3, 0, [])
            runs = [timed(http, api, query, requests, r, []) for r in range(rounds)]
            results[query.name] = _summary(runs)
    return results


def leaf_grids_and_terms(http: httpx2.Client, api: Api) -> tuple[list[str], list[str]]:
    grids = ask(http, api, '{ grids(where: {level: {eq: "grid"}}, sort: [{id: ASC}]) { id } }', {})
    buildings = ask(http, api, "{ buildings(limit: 400, sort: [{id: ASC}]) { name address } }", {})
    names = [b["name"] for b in buildings["buildings"]]
    roads = sorted(
        {re.sub(r"^.*街道", "", b["address"] or "").split("号")[0] for b in buildings["buildings"]}
    )
    terms = sorted({n[-2:] for n in names})[:4] + [r[:3] for r in roads[:4] if r]
    return [g["id"] for g in grids["grids"]], terms


def show(results: dict[str, Any]) -> None:
    table = Table(
        title="civicgraph vs @neo4j/graphql 7.6 + Apollo Server 5, Neo4j 5.26, "
        f"{results['residents']:,} residents"
    )
    for column in (
        "query",
        "civicgraph p50 / p95 ms",
        "peer p50 / p95 ms",
        "ratio p50",
        "API CPU ms/req",
        "Neo4j CPU ms/req",
        "Cypher queries/req",
        "civicgraph on FalkorDB p50 / p95 ms",
    ):
        table.add_column(column, justify="left" if column == "query" else "right")
    for name, pair in results["queries"].items():
        ours, theirs = pair["civicgraph"], pair["peer"]
        falkor = results.get("falkordb", {}).get(name)
        table.add_row(
            name,
            f"{ours['p50_ms']} / {ours['p95_ms']}",
            f"{theirs['p50_ms']} / {theirs['p95_ms']}",
            f"{ours['p50_ms'] / theirs['p50_ms']:.2f}",
            f"{ours['api_cpu_ms']} / {theirs['api_cpu_ms']}",
            f"{ours['db_cpu_ms']} / {theirs['db_cpu_ms']}",
            f"{ours['round_trips']:g} / {theirs['round_trips']:g}",
            f"{falkor['p50_ms']} / {falkor['p95_ms']}" if falkor else "",
        )
    console.print(table)
    throughput = Table(title="one resident by id, wrk, 20 connections")
    for column in ("API", "processes", "req/s", "API CPU ms/req", "ratio"):
        throughput.add_column(column, justify="right")
    peer_rps = results["wrk"]["peer"]["rps"]
    for name, found in results["wrk"].items():
        throughput.add_row(
            name,
            str(found["processes"]),
            f"{found['rps']:.0f}",
            f"{found['api_cpu_ms']:.2f}",
            f"{found['rps'] / peer_rps:.2f}",
        )
    console.print(throughput)


def main() -> None:
    options = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    options.add_argument("--residents", type=int, default=20_000)
    options.add_argument("--rounds", type=int, default=5)
    options.add_argument(
        "--requests", type=int, default=40, help="requests per query, API and round"
    )
    options.add_argument("--workers", type=int, default=2, help="civicgraph API processes")
    options.add_argument("--wrk-seconds", type=int, default=10)
    options.add_argument("--skip-falkordb", action="store_true")
    args = options.parse_args()
    results: dict[str, Any] = {"residents": args.residents, "workers": args.workers}
    ids = [f"R{n:08d}" for n in random.Random(1).sample(range(1, args.residents + 1), 2000)]
    with loaded_store("neo4j", args.residents) as env:
        db = neo4j_processes(args.residents)
        with peer(env["CIVICGRAPH_NEO4J_URI"]) as theirs, civicgraph(env, args.workers) as ours:
            with httpx2.Client(timeout=60, headers=AUTH) as http:
                leaf_grids, terms = leaf_grids_and_terms(http, theirs)
            plan = queries(args.residents, leaf_grids, terms)
            node = plan[0]
            console.print(f"[bold]Neo4j[/]: {len(leaf_grids)} grids, terms {terms}")
            results["queries"] = compare(ours, theirs, plan, args.rounds, args.requests, db)
            results["wrk"] = {
                "civicgraph": {
                    "processes": args.workers,
                    **wrk(ours, node.ours, [f"Resident:{i}" for i in ids], args.wrk_seconds),
                },
                "peer": {"processes": 1, **wrk(theirs, node.peer, ids, args.wrk_seconds)},
            }
    if not args.skip_falkordb:
        with loaded_store("falkordb", args.residents) as env, civicgraph(env, args.workers) as ours:
            results["falkordb"] = alone(ours, plan, args.rounds, args.requests)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"versus-{args.residents}.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False)
    )
    show(results)


if __name__ == "__main__":
    main()

"""Risk benchmark: the projection built from the store, its memory, each model from 10
sources, the reasons for the top 100, and networkx's PageRank on the same graph for reference.

    python -m bench.risk --engine falkordb --residents 100000

The store is the benchmark community of bench/api.py (loaded on first use).
"""

from __future__ import annotations

import argparse
import json
import random
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from bench.api import loaded_store
from bench.store import BASELINE, RESULTS
from civicgraph.settings import Engine, Settings
from civicgraph.wiring import open_store
from graph.model import EdgeType, Label
from graph.model.enums import Severity
from graph.model.nodes import NODE_MODELS
from graph.records import Edge, NodeRef, Provenance
from risk.assess import RiskModel, assess
from risk.build import build_projection
from risk.follow import ChangeHistory, followed
from risk.pagerank import personalised_pagerank, walk_matrix
from risk.projection import KIND_CODE, Projection
from risk.spread import Hazard

console = Console(width=180)
PROVENANCE = Provenance("bench", "bench")


def _timed(run: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = run()
    return value, (time.perf_counter() - started) * 1000


def _best(run: Any, times: int = 5) -> float:
    """The fastest of `times` runs, in ms."""
    return min(_timed(run)[1] for _ in range(times))


def _sources(p: Projection, rng: random.Random) -> dict[str, list[int]]:
    transformers = np.flatnonzero(p.attrs["kind"] == KIND_CODE["transformer"])
    buildings = np.flatnonzero(p.of_label(Label.BUILDING))
    return {
        "transformers": [int(i) for i in rng.sample(list(transformers), 10)],
        "buildings": [int(i) for i in rng.sample(list(buildings), 10)],
    }


ASSESS = """query ($input: RiskAssessmentInput!) { riskAssessment(input: $input) {
  tookMs affected { residents } byGrid { grid { id } residents vulnerable }
  items { rank score node { id } reasons { path { id } text } factors { name } }
  responsePlan { priority resident { id } contacts { role node { id } } } } }"""


def through_api(
    env: dict[str, str], p: Projection, sources: dict[str, list[int]]
) -> dict[str, Any]:
    """p50 of `riskAssessment` over HTTP (top 20, with reasons, per-grid exposure and the
    response plan), after a first request that builds the server's projection."""
    import statistics

    import httpx2

    from bench.api import api_server
    from bench.auth import AUTH

    found: dict[str, Any] = {}
    with api_server(env) as url, httpx2.Client(headers=AUTH, timeout=600) as http:
        for name, hazard, given in (
            ("api_cascade", "POWER_OUTAGE", sources["transformers"]),
            ("api_spread", "FIRE", sources["buildings"]),
        ):
            body = {"sources": [p.ids[i] for i in given], "hazard": hazard, "first": 20}
            request = {"query": ASSESS, "variables": {"input": body}}
            started = time.perf_counter()
            first = http.post(url, json=request).json()  # the server builds its projection
            assert "errors" not in first, first["errors"]
            found.setdefault("api_first_ms", round((time.perf_counter() - started) * 1000))
            times = []
            for _ in range(20):
                started = time.perf_counter()
                answer = http.post(url, json=request).json()
                times.append((time.perf_counter() - started) * 1000)
                assert "errors" not in answer, answer["errors"]
            found[f"{name}_p50_ms"] = round(statistics.median(times), 1)
    return found


def _stored(store: Any, refs: list[NodeRef], **update: Any) -> list[Any]:
    """The stored nodes as their models, with `update` applied."""
    found = store.get_nodes(refs)
    models = []
    for ref in refs:
        model = NODE_MODELS[ref.label]
        values = {k: v for k, v in found[ref].props.items() if k in model.model_fields}
        models.append(model.model_validate({**values, **update, "id": ref.id}))
    return models


def thousand_changes(store: Any, p: Projection, rng: random.Random) -> Callable[[], None]:
    """1,000 changes through the store's write path: residents' tags, households' floors,
    devices' status, the distances between neighbouring buildings. Returns what writes the
    old values back, so the benchmark community stays as it was generated."""

    def some(label: Label, count: int) -> list[NodeRef]:
        chosen = rng.sample(list(np.flatnonzero(p.of_label(label))), count)
        return [NodeRef.parse(p.ids[i]) for i in chosen]

    tags = ["elderly_living_alone", "disabled", "home_medical_device", "low_income"]
    people, homes, devices = (
        some(Label.RESIDENT, 400),
        some(Label.HOUSEHOLD, 300),
        some(Label.DEVICE, 100),
    )
    before = _stored(store, people + homes + devices)
    store.upsert_nodes(_stored(store, people, tags=rng.sample(tags, 2)), PROVENANCE)
    store.upsert_nodes(_stored(store, homes, floor=rng.randrange(1, 30)), PROVENANCE)
    status = rng.choice(["online", "fault"])
    store.upsert_nodes(_stored(store, devices, status=status), PROVENANCE)
    near = p.matrix(EdgeType.ADJACENT_TO).tocoo()
    picked = rng.sample(range(near.nnz), min(200, near.nnz))
    pairs = [
        (NodeRef.parse(p.ids[near.row[k]]), NodeRef.parse(p.ids[near.col[k]]), near.data[k])
        for k in picked
    ]

    def neighbours(distance: Callable[[float], float]) -> list[Edge]:
        return [Edge(EdgeType.ADJACENT_TO, a, b, {"distance_m": distance(d)}) for a, b, d in pairs]

    store.upsert_edges(neighbours(lambda _: float(rng.randrange(5, 300))), PROVENANCE)

    def undo() -> None:
        store.upsert_nodes(before, PROVENANCE)
        store.upsert_edges(neighbours(float), PROVENANCE)

    return undo


def run(engine: str, residents: int, networkx: bool, api: bool) -> dict[str, Any]:
    rng = random.Random(11)
    with loaded_store(engine, residents) as env:
        settings = Settings(
            engine=Engine(engine),
            data_dir=env["CIVICGRAPH_DATA_DIR"],
            neo4j_uri=env.get("CIVICGRAPH_NEO4J_URI", "bolt://127.0.0.1:7687"),
        )
        opened = open_store(settings)
        today = date.today().isoformat()
        try:
            p, build_ms = _timed(lambda: build_projection(opened.store, today))
            tracemalloc.start()  # a second build, traced: tracing slows it several times
            build_projection(opened.store, today)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            undo = thousand_changes(opened.store, p, random.Random())  # new values each run
            history = ChangeHistory(opened.store)
            followed_p, follow_ms = _timed(lambda: followed(p, history))
            assert followed_p is not None and followed_p.seq > p.seq
            undo()
        finally:
            opened.close()
        sources = _sources(p, rng)
        over_http = through_api(env, p, sources) if api else {}
    row: dict[str, Any] = {
        "engine": engine,
        "residents": residents,
        "nodes": p.size,
        "edges": int(sum(m.nnz for m in p.edges.values())),
        "build_ms": round(build_ms),
        "arrays_mb": round(p.nbytes() / 2**20, 1),
        "build_peak_mb": round(peak / 2**20, 1),
        "follow_1000_ms": round(follow_ms, 1),
    }
    cases = [
        ("cascade", Hazard.POWER_OUTAGE, RiskModel.CASCADE, sources["transformers"]),
        ("spread", Hazard.FIRE, RiskModel.SPREAD, sources["buildings"]),
        ("pagerank", Hazard.FIRE, RiskModel.PAGERANK, sources["buildings"]),
        ("monte_carlo", Hazard.FIRE, RiskModel.MONTE_CARLO, sources["buildings"]),
    ]
    for name, hazard, model, given in cases:
        assess(p, hazard, given[:1], Severity.HIGH, model, first=10)  # warm
        started = time.perf_counter()
        result = assess(p, hazard, given, Severity.HIGH, model, first=100)
        took = (time.perf_counter() - started) * 1000
        row[f"{name}_ms"] = round(took, 1)
        row[f"{name}_affected"] = result.affected[Label.RESIDENT]
        if name == "spread":  # the reasons: ranking 100 less ranking 1, best of 5 each
            row["reasons_100_ms"] = round(
                _best(partial(assess, p, hazard, given, Severity.HIGH, model, first=100))
                - _best(partial(assess, p, hazard, given, Severity.HIGH, model, first=1)),
                1,
            )
    if networkx:
        import networkx as nx

        weights = dict.fromkeys(EdgeType, 1.0)
        seeds = np.zeros(p.size)
        seeds[sources["buildings"]] = 1.0
        adjacency = walk_matrix(p, weights)
        _, ours = _timed(lambda: personalised_pagerank(adjacency, seeds))
        graph, built = _timed(lambda: nx.from_scipy_sparse_array(adjacency))
        personal = {i: 1.0 for i in sources["buildings"]}
        _, theirs = _timed(lambda: nx.pagerank(graph, personalization=personal, tol=1e-10))
        row |= {
            "ppr_scipy_ms": round(ours),
            "nx_build_ms": round(built),
            "nx_ppr_ms": round(theirs),
        }
    row |= over_http
    console.print(row)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("falkordb", "neo4j", "both"), default="falkordb")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--networkx", action="store_true", help="time networkx's PageRank too")
    parser.add_argument("--api", action="store_true", help="time riskAssessment over HTTP too")
    parser.add_argument("--update-baseline", action="store_true")
    args = parser.parse_args()
    engines = ("falkordb", "neo4j") if args.engine == "both" else (args.engine,)
    RESULTS.mkdir(parents=True, exist_ok=True)
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    table = Table(title="civicgraph risk propagation (ms unless noted)")
    columns = ("engine", "residents", "build", "arrays MB", "build peak MB", "1,000 changes",
               "cascade", "spread", "pagerank", "monte carlo", "top-100 reasons")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right")
    for engine in engines:
        row = run(engine, args.residents, args.networkx, args.api)
        key = f"risk-{engine}-{args.residents}"
        old = baseline.get(key, {})
        was = f" (was {old['spread_ms']})" if old else ""
        table.add_row(
            engine,
            f"{args.residents:,}",
            f"{row['build_ms']:,}",
            str(row["arrays_mb"]),
            str(row["build_peak_mb"]),
            str(row["follow_1000_ms"]),
            str(row["cascade_ms"]),
            f"{row['spread_ms']}{was}",
            str(row["pagerank_ms"]),
            str(row["monte_carlo_ms"]),
            str(row["reasons_100_ms"]),
        )
        (RESULTS / f"{key}.json").write_text(json.dumps(row, indent=1))
        if args.update_baseline:
            baseline[key] = row
    console.print(table)
    if args.update_baseline:
        BASELINE.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

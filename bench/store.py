"""Store benchmark: upsert throughput, lookup and 2-hop latency, peak memory, per engine.

    python -m bench.store --engine both --residents 100000 [--residents 1000000]

Generates the synthetic community (cached under .cache/bench), loads it through the product's
loader while timing the store calls alone, then samples latencies. Prints a table, writes
bench/results/store-<engine>-<residents>.json and compares with bench/baseline.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.table import Table

from bench.store_loader import load_directory
from civicgraph.devserver.neo4j import Neo4jInstance, fetch, free_port
from civicgraph.settings import Engine, Settings
from civicgraph.wiring import open_store
from graph.adapters.embedded import falkordb_dir, server_pids
from graph.model import Label
from graph.port import GraphStore
from graph.records import NodeRef, Provenance
from ingest.generator.community import generate

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench"
RESULTS = ROOT / "bench" / "results"
BASELINE = ROOT / "bench" / "baseline.json"
console = Console(width=200)


def community(residents: int) -> Path:
    folder = CACHE / f"community-{residents}"
    if not (folder / ".complete").exists():
        generate(folder, residents, seed=42)
        (folder / ".complete").touch()
    return folder


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Timed:
    """Wraps a store's upsert methods to add up the time spent in them."""

    def __init__(self, store: GraphStore) -> None:
        self.seconds = {"nodes": 0.0, "edges": 0.0}
        self.count = {"nodes": 0, "edges": 0}
        for kind, name in (("nodes", "upsert_nodes"), ("edges", "upsert_edges")):
            setattr(store, name, self._wrap(kind, getattr(store, name)))

    def _wrap(self, kind: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def timed(items: Any, provenance: Provenance) -> Any:
            items = list(items)
            started = time.perf_counter()
            result = method(items, provenance)
            self.seconds[kind] += time.perf_counter() - started
            self.count[kind] += len(items)
            return result

        return timed


@dataclass
class Server:
    """The engine's processes, found when asked (the embedded server starts with the store)."""

    pids: Callable[[], list[int]]

    def rss(self) -> int:
        """Resident memory of the engine's processes, in bytes."""
        return int(sum(_alive(pid, _rss) for pid in self.pids()))

    def cpu(self) -> float:
        """CPU seconds the engine's processes have used, their finished children included."""
        return sum(_alive(pid, _cpu_seconds) for pid in self.pids())


def _rss(process: psutil.Process) -> int:
    return process.memory_info().rss


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def _alive(pid: int, measure: Callable[[psutil.Process], float]) -> float:
    try:
        return measure(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return 0


@contextmanager
def engine_settings(engine: str, workdir: Path) -> Iterator[tuple[Settings, Server]]:
    """Settings for a fresh server of `engine`, and its processes (memory and CPU)."""
    if engine == "falkordb":
        settings = Settings(
            engine=Engine.FALKORDB, data_dir=workdir / "data", falkordb_fsync="always"
        )
        folder = falkordb_dir(settings.data_dir)
        yield settings, Server(lambda: server_pids(folder))
        return
    instance = Neo4jInstance(workdir / "neo4j", free_port(), free_port(), heap="2g", pagecache="1g")
    instance.start(fetch())
    try:
        pid = instance.running_pid()
        server = Server(lambda: [pid] if pid else [])
        yield Settings(engine=Engine.NEO4J, neo4j_uri=instance.uri), server
    finally:
        instance.stop()


class ClientPeak:
    """This process's peak resident memory during one run, sampled after every batch (the
    kernel's own peak, ru_maxrss, never goes down, so it would carry over between runs)."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = 0

    def sample(self) -> None:
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def mb(self) -> int:
        self.sample()
        return round(self.peak / 2**20)


def run(engine: str, residents: int, samples: int) -> dict[str, Any]:
    folder = community(residents)
    with (
        tempfile.TemporaryDirectory(dir=CACHE) as tmp,
        engine_settings(engine, Path(tmp)) as (settings, server),
    ):
        opened = open_store(settings)
        store = opened.store
        timer = Timed(store)
        peak_server = 0
        client = ClientPeak()
        started = time.perf_counter()

        def progress(kind: str, rows: int) -> None:
            nonlocal peak_server
            peak_server = max(peak_server, server.rss())
            client.sample()

        load_directory(store, folder, Provenance("bench", "bench"), progress)
        total = time.perf_counter() - started
        peak_server = max(peak_server, server.rss())
        rng = random.Random(1)
        ids = [f"R{rng.randint(1, residents):08d}" for _ in range(samples)]
        lookup = []
        for node_id in ids:
            t = time.perf_counter()
            store.get_nodes([NodeRef(Label.RESIDENT, node_id)])
            lookup.append((time.perf_counter() - t) * 1000)
        expand = []
        for node_id in ids[: max(50, samples // 5)]:
            t = time.perf_counter()
            store.expand([NodeRef(Label.RESIDENT, node_id)], hops=2)
            expand.append((time.perf_counter() - t) * 1000)
        counts = store.count_nodes()
        opened.close()
    return {
        "engine": engine,
        "residents": residents,
        "nodes": timer.count["nodes"],
        "edges": timer.count["edges"],
        "node_upserts_per_s": round(timer.count["nodes"] / timer.seconds["nodes"]),
        "edge_upserts_per_s": round(timer.count["edges"] / timer.seconds["edges"]),
        "end_to_end_rows_per_s": round((timer.count["nodes"] + timer.count["edges"]) / total),
        "load_seconds": round(total, 1),
        "lookup_p50_ms": round(statistics.median(lookup), 3),
        "lookup_p99_ms": round(percentile(lookup, 99), 3),
        "expand2_p50_ms": round(statistics.median(expand), 2),
        "expand2_p99_ms": round(percentile(expand, 99), 2),
        "server_peak_mb": round(peak_server / 2**20),
        "client_peak_mb": client.mb,
        "stored_residents": counts[Label.RESIDENT],
    }


COLUMNS = (
    "node_upserts_per_s",
    "edge_upserts_per_s",
    "end_to_end_rows_per_s",
    "lookup_p50_ms",
    "lookup_p99_ms",
    "expand2_p50_ms",
    "expand2_p99_ms",
    "server_peak_mb",
    "client_peak_mb",
)


def show(
    results: list[dict[str, Any]],
    baseline: dict[str, Any],
    title: str = "civicgraph store benchmark",
    columns: tuple[str, ...] = COLUMNS,
    key_prefix: str = "",
) -> None:
    """A table of results per engine and size, each figure beside its change from baseline."""
    table = Table(title=title)
    table.add_column("engine")
    table.add_column("residents", justify="right")
    for column in columns:
        table.add_column(column, justify="right")
    for result in results:
        base = baseline.get(f"{key_prefix}{result['engine']}-{result['residents']}", {})
        cells = []
        for column in columns:
            value, old = result[column], base.get(column)
            delta = f" ({(value - old) / old:+.0%})" if old else ""
            cells.append(f"{value:,}{delta}")
        table.add_row(result["engine"], f"{result['residents']:,}", *cells)
    console.print(table)


def parser(doc: str) -> argparse.ArgumentParser:
    """The options of the per-size benchmarks: --engine, --residents (repeatable), baseline."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--engine", choices=("falkordb", "neo4j", "both"), default="both")
    parser.add_argument("--residents", type=int, action="append")
    parser.add_argument("--update-baseline", action="store_true")
    return parser


def measure_all(
    args: argparse.Namespace, name: str, measure: Callable[[str, int], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each size on each engine; every result also goes to bench/results/<name>-…json."""
    engines = ("falkordb", "neo4j") if args.engine == "both" else (args.engine,)
    CACHE.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = []
    for residents in args.residents or [100_000]:
        for engine in engines:
            console.print(f"[bold]{name}[/] {engine}, {residents:,} residents…")
            result = measure(engine, residents)
            out = RESULTS / f"{name}-{engine}-{residents}.json"
            out.write_text(json.dumps(result, indent=1))
            results.append(result)
    return results


def load_baseline() -> dict[str, Any]:
    return json.loads(BASELINE.read_text()) if BASELINE.exists() else {}


def save_baseline(baseline: dict[str, Any], results: list[dict[str, Any]], prefix: str) -> None:
    for result in results:
        baseline[f"{prefix}{result['engine']}-{result['residents']}"] = result
    BASELINE.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")


def main() -> None:
    options = parser(__doc__)
    options.add_argument("--samples", type=int, default=2000)
    args = options.parse_args()
    baseline = load_baseline()
    results = measure_all(args, "store", lambda engine, n: run(engine, n, args.samples))
    show(results, baseline)
    if args.update_baseline:
        save_baseline(baseline, results, "")


if __name__ == "__main__":
    main()

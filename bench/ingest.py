"""Ingest benchmark: the generated community through `civicgraph ingest`'s job, end to end
(read, map, validate, resolve, write), per engine: rows/s, the CPU time of the client and of the
engine, and peak memory.

    python -m bench.ingest --engine both --residents 100000 [--residents 1000000]

Prints a table, writes bench/results/ingest-<engine>-<residents>.json and compares with
bench/baseline.json (keys `ingest-<engine>-<residents>`).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench.store import (
    CACHE,
    ClientPeak,
    community,
    engine_settings,
    load_baseline,
    measure_all,
    parser,
    save_baseline,
    show,
)
from civicgraph.wiring import open_store
from graph.model import Label
from ingest.job.options import JobOptions
from ingest.job.run import IngestJob
from ingest.mapping.canonical import LOAD_ORDER

COLUMNS = (
    "rows",
    "seconds",
    "rows_per_s",
    "client_cpu_s",
    "server_cpu_s",
    "client_peak_mb",
    "server_peak_mb",
)


def run(engine: str, residents: int) -> dict[str, Any]:
    folder = community(residents)
    paths = [folder / f"{kind}.csv" for kind in LOAD_ORDER if (folder / f"{kind}.csv").exists()]
    with (
        tempfile.TemporaryDirectory(dir=CACHE) as tmp,
        engine_settings(engine, Path(tmp)) as (settings, server),
    ):
        opened = open_store(settings)
        peak_server = 0
        client = ClientPeak()

        def progress(table: str, rows: int, done: float | None) -> None:
            nonlocal peak_server
            client.sample()
            if rows % 50_000 < opened.store.batch_size:
                peak_server = max(peak_server, server.rss())

        job = IngestJob(opened.store, JobOptions(rejects_dir=Path(tmp) / "rejects"), progress)
        server_cpu = server.cpu()
        client_cpu = time.process_time()
        started = time.perf_counter()
        summary = job.run(paths)
        seconds = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        server_cpu = server.cpu() - server_cpu
        peak_server = max(peak_server, server.rss())
        stored = opened.store.count_nodes()[Label.RESIDENT]
        opened.close()
    return {
        "engine": engine,
        "residents": residents,
        "rows": summary.read,
        "rejected": summary.rejected,
        "seconds": round(seconds, 1),
        "rows_per_s": round(summary.read / seconds),
        # CPU of each side: the bound is the side whose CPU is closest to the wall time.
        "client_cpu_s": round(client_cpu, 1),
        "server_cpu_s": round(server_cpu, 1),
        "client_peak_mb": client.mb,
        "server_peak_mb": round(peak_server / 2**20),
        "stored_residents": stored,
    }


def main() -> None:
    args = parser(__doc__).parse_args()
    baseline = load_baseline()
    results = measure_all(args, "ingest", run)
    show(results, baseline, "civicgraph ingest benchmark (end to end)", COLUMNS, "ingest-")
    if args.update_baseline:
        save_baseline(baseline, results, "ingest-")


if __name__ == "__main__":
    main()

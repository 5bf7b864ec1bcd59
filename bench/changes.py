"""Change events benchmark: relay throughput (single writes, and a bulk load's fan-out), then
commit → subscriber latency with 1, 100 and 1,000 WebSocket subscribers and the API's memory
per idle subscriber.

    python -m bench.changes --residents 20000 --subscribers 1 100 1000

Embedded FalkorDB (its server holds the stream), fresh for the run under .cache/bench. The
relay part runs in this process; the subscriber part runs `civicgraph serve` as its own process
and the subscribers (graphql-transport-ws, the `websockets` library) as asyncio tasks here, on
the same 2 cores. Latency is from sending a mutation to a subscriber receiving its change, so
it includes the mutation's own commit."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import time
from typing import Any

import httpx2
import psutil
import websockets
from rich.console import Console
from rich.table import Table

from bench.api import api_server
from bench.auth import AUTH, SERVER_ENV
from bench.store import BASELINE, CACHE, RESULTS, community, percentile
from civicgraph.settings import Engine, Settings
from civicgraph.wiring import change_stream, open_store, relay_of
from graph.model import Building
from graph.records import Provenance
from ingest.job.run import load_folder

console = Console(width=160)
PROV = Provenance("bench", "bench")
SUBSCRIBE = "subscription { changes { cursor kind entityId values } }"
UPSERT = """mutation ($input: BuildingInput!) { upsertBuilding(input: $input) { created } }"""


def relay_throughput(residents: int, writes: int) -> dict[str, Any]:
    """Entries/s the relay moves: from single writes, and from a bulk load's batches."""
    home = CACHE / "changes"
    shutil.rmtree(home, ignore_errors=True)
    settings = Settings(engine=Engine.FALKORDB, data_dir=home / "data", graph_name="bench")
    opened = open_store(settings)
    try:
        stream = change_stream(settings, opened)
        assert stream is not None
        stream.reset()
        relay = relay_of(settings, opened, stream)
        started = time.perf_counter()
        for n in range(writes):
            opened.store.upsert_node(Building(id=f"X{n:06d}", name=f"{n}号楼"), PROV)
        write_s = time.perf_counter() - started
        started = time.perf_counter()
        single = relay.drain()
        single_s = time.perf_counter() - started
        started = time.perf_counter()
        load_folder(opened.store, community(residents), "bench", "bench")
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        bulk = relay.drain()
        bulk_s = time.perf_counter() - started
        stream_mb = float(stream.client.memory_usage(stream.keys.stream) or 0) / 2**20
    finally:
        opened.close()
    return {
        "single_writes": writes,
        "single_writes_per_s": round(writes / write_s),
        "single_relayed_per_s": round(single / single_s),
        "bulk_entities": bulk,
        "bulk_load_s": round(load_s, 1),
        "bulk_relayed_per_s": round(bulk / bulk_s),
        "stream_mb": round(stream_mb, 1),
        "stream_bytes_per_entry": round(stream_mb * 2**20 / max(1, single + bulk)),
    }


async def _subscriber(
    url: str, received: dict[str, list[float]], ready: asyncio.Event, counter: list[int], total: int
) -> None:
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": AUTH}))
        await ws.recv()
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        counter[0] += 1
        if counter[0] == total:
            ready.set()
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "next":
                entity = message["payload"]["data"]["changes"]["entityId"]
                received.setdefault(entity, []).append(time.perf_counter())


def _api_processes(pid: int) -> list[psutil.Process]:
    """The processes that serve the API: `serve` itself, or its workers (not the engine)."""
    parent = psutil.Process(pid)
    workers = [p for p in parent.children() if "python" in p.name()]
    return workers or [parent]


async def subscribers_run(url: str, pid: int, count: int, events: int) -> dict[str, Any]:
    apis = _api_processes(pid)
    ws_url = url.replace("http", "ws")
    received: dict[str, list[float]] = {}
    ready, counter = asyncio.Event(), [0]
    before = sum(p.memory_info().rss for p in apis)
    tasks = [
        asyncio.create_task(_subscriber(ws_url, received, ready, counter, count))
        for _ in range(count)
    ]
    await asyncio.wait_for(ready.wait(), 300)
    await asyncio.sleep(2)  # every subscription registered with the hub
    idle = sum(p.memory_info().rss for p in apis)
    me = psutil.Process()
    api_cpu, my_cpu = sum(sum(p.cpu_times()[:2]) for p in apis), sum(me.cpu_times()[:2])
    sent: dict[str, float] = {}
    async with httpx2.AsyncClient(timeout=60, headers=AUTH) as http:
        for n in range(events):
            key = f"S{count}-{n}-{os.getpid()}-{time.monotonic_ns()}"  # new: a change each run
            sent[f"Building:{key}"] = time.perf_counter()
            await http.post(
                url, json={"query": UPSERT, "variables": {"input": {"id": key, "name": key}}}
            )
            await asyncio.sleep(0.1)
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        if all(len(received.get(e, [])) >= count for e in sent):
            break
        await asyncio.sleep(0.1)
    api_cpu = sum(sum(p.cpu_times()[:2]) for p in apis) - api_cpu
    my_cpu = sum(me.cpu_times()[:2]) - my_cpu
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [
        (at - sent[entity]) * 1000
        for entity, times in received.items()
        if entity in sent
        for at in times
    ]
    expected = count * events
    return {
        "subscribers": count,
        "events": events,
        "deliveries": len(latencies),
        "missing": expected - len(latencies),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "kb_per_idle_subscriber": round((idle - before) / 1024 / count, 1),
        "api_cpu_ms_per_delivery": round(api_cpu * 1000 / max(1, len(latencies)), 3),
        "client_cpu_ms_per_delivery": round(my_cpu * 1000 / max(1, len(latencies)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--writes", type=int, default=5_000)
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--update-baseline", action="store_true")
    args = parser.parse_args()
    relayed = relay_throughput(args.residents, args.writes)
    console.print(relayed)
    home = CACHE / "changes-api"
    shutil.rmtree(home, ignore_errors=True)
    env = {
        "CIVICGRAPH_ENGINE": "falkordb",
        "CIVICGRAPH_DATA_DIR": str(home / "data"),
        **SERVER_ENV,
    }
    runs = []
    for workers in args.workers:
        with api_server(env, workers=workers) as url:
            pid = _api_pid(url)
            for count in args.subscribers:
                if workers > 1 and count < max(args.subscribers):
                    continue  # more workers: only the largest count
                measured = asyncio.run(subscribers_run(url, pid, count, args.events))
                runs.append({"workers": workers, **measured})
                console.print(runs[-1])
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    table = Table(title="civicgraph change events")
    for column in ("measure", "value", "baseline"):
        table.add_column(column, justify="right")
    rows = {f"relay.{k}": v for k, v in relayed.items()}
    for run in runs:
        for key in (
            "p50_ms",
            "p99_ms",
            "missing",
            "kb_per_idle_subscriber",
            "api_cpu_ms_per_delivery",
        ):
            rows[f"subscribers.{run['subscribers']}.workers.{run['workers']}.{key}"] = run[key]
    old = baseline.get("changes", {})
    for key, value in rows.items():
        table.add_row(key, str(value), str(old.get(key, "")))
    console.print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "changes.json").write_text(json.dumps(rows, indent=1))
    if args.update_baseline:
        baseline["changes"] = rows
        BASELINE.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")


def _api_pid(url: str) -> int:
    """The API process listening on the URL's port."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    for connection in psutil.net_connections("tcp"):
        if connection.laddr and connection.laddr.port == port and connection.status == "LISTEN":
            found = psutil.Process(int(connection.pid or os.getpid()))
            parent = found.parent()  # a worker of `serve --workers N`: the serve process
            if parent is not None and "serve" in " ".join(parent.cmdline()):
                return parent.pid
            return found.pid
    raise RuntimeError("the API process was not found")


if __name__ == "__main__":
    main()

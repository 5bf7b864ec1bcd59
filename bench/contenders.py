"""The two APIs of the side-by-side benchmark (`bench/versus.py`) as running processes:
civicgraph (`civicgraph serve`) and the peer, @neo4j/graphql on Apollo Server
(`bench/peer/server.mjs`), with what is measured of them: CPU, Cypher queries sent, and
throughput under `wrk`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import psutil

from bench.auth import AUTH, SERVER_ENV
from bench.store import ROOT
from civicgraph.devserver.neo4j import free_port

PEER = ROOT / "bench" / "peer"
# The nested query asks for up to 5 + 250 + 12,500 + 250,000 objects: over the default cost
# limit (50,000), which the peer does not have; civicgraph is given room for it here.
COST_LIMIT = "300000"


@dataclass
class Api:
    name: str
    url: str
    processes: list[psutil.Process]
    queries_sent: Callable[[], float]

    def cpu(self) -> float:
        return cpu_of(self.processes)


def _wait(url: str, process: subprocess.Popen[bytes], seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode})")
        try:
            httpx2.get(url, timeout=1)
            return
        except httpx2.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url}: not ready")


@contextmanager
def served(
    command: list[str], env: dict[str, str], ready: str
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait(ready, process)
        yield process
    finally:
        process.terminate()
        process.wait(60)


def _store_queries(metrics_url: str) -> Callable[[], float]:
    def read() -> float:
        text = httpx2.get(metrics_url, timeout=10).text
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("civicgraph_store_queries_total{")
        )

    return read


@contextmanager
def civicgraph(env: dict[str, str], workers: int) -> Iterator[Api]:
    port = free_port()
    command = [sys.executable, "-m", "civicgraph", "serve", "--port", str(port)]
    env = {
        **env,
        **SERVER_ENV,
        "CIVICGRAPH_LOG_LEVEL": "WARNING",
        "CIVICGRAPH_MAX_QUERY_COST": COST_LIMIT,
    }
    with served([*command, "--workers", str(workers)], env, f"http://127.0.0.1:{port}/readyz") as p:
        base = f"http://127.0.0.1:{port}"
        yield Api(
            "civicgraph",
            f"{base}/graphql",
            [psutil.Process(p.pid)],
            _store_queries(f"{base}/metrics"),
        )


@contextmanager
def peer(neo4j_uri: str) -> Iterator[Api]:
    if not (PEER / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER, check=True)
    port, count_port = free_port(), free_port()
    env = {"NEO4J_URI": neo4j_uri, "PORT": str(port), "COUNT_PORT": str(count_port)}
    with served(["node", str(PEER / "server.mjs")], env, f"http://127.0.0.1:{count_port}/") as p:
        count = f"http://127.0.0.1:{count_port}/"
        yield Api(
            "peer",
            f"http://127.0.0.1:{port}/",
            [psutil.Process(p.pid)],
            lambda: float(httpx2.get(count).text),
        )


def neo4j_processes(residents: int) -> list[psutil.Process]:
    """The Neo4j server of the benchmark's store (found by its home folder)."""
    marker = f"api-neo4j-{residents}"
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if any(marker in part for part in process.info["cmdline"] or ()):
            found.append(process)
    return found


def cpu_of(processes: list[psutil.Process]) -> float:
    """CPU seconds used by the processes and their children."""
    total = 0.0
    for process in processes:
        try:
            for p in [process, *process.children(recursive=True)]:
                times = p.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def wrk(
    api: Api, query: str, ids: list[str], seconds: int, connections: int = 20
) -> dict[str, float]:
    """Requests per second of `query` with random ids at `connections` connections."""
    if shutil.which("wrk") is None:
        return {"rps": float("nan"), "api_cpu_ms": float("nan")}
    prefix, suffix = json.dumps({"query": query, "variables": {"id": "@"}}).split('"@"')

    def lua_text(text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

    opening, closing = lua_text(prefix + '"'), lua_text('"' + suffix)
    listed = ",".join(lua_text(i) for i in ids)
    script = (
        f"ids = {{{listed}}}\n"
        "math.randomseed(42)\n"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "{AUTH["Authorization"]}"\n'
        f"prefix = {opening}\n"
        f"suffix = {closing}\n"
        "request = function()\n"
        "  return wrk.format(nil, nil, nil, prefix .. ids[math.random(#ids)] .. suffix)\n"
        "end\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    warm = ["wrk", "-t2", f"-c{connections}", "-d3s", "-s", lua.name, api.url]
    subprocess.run(warm, check=True, capture_output=True)
    cpu = api.cpu()
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", lua.name, api.url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    Path(lua.name).unlink()
    if errors:
        raise RuntimeError(f"{api.name}: {errors.group(1)} failed requests under wrk")
    return {"rps": rps, "api_cpu_ms": (api.cpu() - cpu) * 1000 / (rps * seconds)}

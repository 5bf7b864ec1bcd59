"""A change stream of its own for each test, in the Redis beside its engine: the embedded
FalkorDB server itself, or the tests' redis-server beside Neo4j. Conftests that need them
import the fixtures from here."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from civicgraph.settings import Engine, Settings
from events.relay import Relay, RelayOptions
from events.stream import ChangeStream, StreamKeys
from graph.cypher.store import CypherStore

_names = itertools.count(1)


def redis_beside(store: CypherStore, request: pytest.FixtureRequest) -> redis.Redis:
    if store.engine == "falkordb":
        return redis.Redis(**request.getfixturevalue("falkordb_server").client_kwargs())
    return redis.Redis.from_url(request.getfixturevalue("redis_server").url)


@pytest.fixture
def stream(store: CypherStore, request: pytest.FixtureRequest) -> Iterator[ChangeStream]:
    client = redis_beside(store, request)
    changes = ChangeStream(client, StreamKeys.of_graph(f"test_{os.getpid()}_{next(_names)}"))
    yield changes
    changes.reset()
    client.close()


@pytest.fixture
def relay(store: CypherStore, stream: ChangeStream) -> Relay:
    return Relay(store, stream, RelayOptions(batch=50))


def with_changes(settings: Settings, request: pytest.FixtureRequest, **extra: Any) -> Settings:
    """`settings` with change events on, relayed every 5 ms, to the Redis beside the engine
    (the embedded FalkorDB itself, or the tests' redis-server beside Neo4j)."""
    update: dict[str, Any] = {"relay_poll_ms": 5, "changes": True, **extra}
    if settings.engine == Engine.NEO4J:
        update["redis_url"] = request.getfixturevalue("redis_server").url
    return settings.model_copy(update=update)

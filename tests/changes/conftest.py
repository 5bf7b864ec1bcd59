"""A change stream of its own for each test, in the Redis beside its engine: the embedded
FalkorDB server itself, or the tests' redis-server beside Neo4j."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from civicgraph.settings import Settings
from events.relay import Relay, RelayOptions
from events.stream import ChangeStream, StreamKeys
from graph.cypher.store import CypherStore
from tests.engines import settings_for

_names = itertools.count(1)


def redis_beside(store: CypherStore, request: pytest.FixtureRequest) -> redis.Redis:
    if store.engine == "falkordb":
        return redis.Redis(**request.getfixturevalue("falkordb_server").client_kwargs())
    return redis.Redis.from_url(request.getfixturevalue("redis_server").url)


@pytest.fixture
def neo4j_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return settings_for("neo4j", request, tmp_path / "data").model_copy(update={"changes": True})


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

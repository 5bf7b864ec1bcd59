"""The Neo4j adapter with authentication on (the session server) and off (a second server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from civicgraph.devserver.neo4j import Neo4jInstance, fetch, free_port
from civicgraph.settings import Engine, Settings
from civicgraph.wiring import open_store
from graph.errors import StoreUnavailableError
from graph.model import Label
from tests.engines import NEO4J_PASSWORD
from tests.factories import PROV, grid


def test_auth_on_accepts_the_password_and_refuses_a_wrong_one(neo4j_server: Neo4jInstance) -> None:
    settings = Settings(
        engine=Engine.NEO4J, neo4j_uri=neo4j_server.uri, neo4j_password=NEO4J_PASSWORD
    )
    opened = open_store(settings)
    try:
        assert opened.store.count_nodes()[Label.GRID] >= 0
    finally:
        opened.close()
    wrong = settings.model_copy(update={"neo4j_password": SecretStr("not-the-password")})
    with pytest.raises(StoreUnavailableError, match="refused"):
        open_store(wrong)


@pytest.fixture(scope="module")
def open_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jInstance]:
    instance = Neo4jInstance(
        Path(tmp_path_factory.mktemp("neo4j-open")),
        free_port(),
        free_port(),
        password=None,
        heap="512m",
        pagecache="64m",
    )
    instance.start(fetch())
    yield instance
    instance.stop()


def test_auth_off_needs_no_password(open_neo4j: Neo4jInstance) -> None:
    settings = Settings(engine=Engine.NEO4J, neo4j_uri=open_neo4j.uri, neo4j_password=None)
    opened = open_store(settings)
    try:
        opened.store.upsert_nodes([grid(1)], PROV)
        assert opened.store.count_nodes()[Label.GRID] == 1
    finally:
        opened.close()


def test_an_unreachable_server_is_reported_clearly() -> None:
    settings = Settings(engine=Engine.NEO4J, neo4j_uri=f"bolt://127.0.0.1:{free_port()}")
    with pytest.raises(StoreUnavailableError, match="not reachable"):
        open_store(settings)


def test_neo4j_data_survives_a_server_restart(open_neo4j: Neo4jInstance) -> None:
    settings = Settings(engine=Engine.NEO4J, neo4j_uri=open_neo4j.uri)
    opened = open_store(settings)
    try:
        opened.store.clear()
        opened.store.upsert_nodes([grid(n, f"网格{n}") for n in range(1, 31)], PROV)
        last = opened.store.last_event_seq()
    finally:
        opened.close()
    open_neo4j.stop()
    open_neo4j.start(fetch())
    opened = open_store(settings)
    try:
        assert opened.store.count_nodes()[Label.GRID] == 30
        assert opened.store.last_event_seq() == last
        assert [h.node.props["name"] for h in opened.store.search("网格7")] == ["网格7"]
    finally:
        opened.close()

"""The two engines the tests run on, and settings that point the product at either."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from civicgraph.devserver.neo4j import Neo4jInstance
from civicgraph.settings import Engine, Settings
from graph.adapters.neo4j import Neo4jStore

NEO4J_PASSWORD = "civicgraph-test-password"
ENGINES = ("falkordb", "neo4j")
graph_names = itertools.count()  # a fresh FalkorDB graph name for each store a test opens


def settings_for(engine: str, request: pytest.FixtureRequest, data_dir: Path) -> Settings:
    """Settings that point the product at one of the test servers (cleared first)."""
    if engine == "falkordb":
        return Settings(
            engine=Engine.FALKORDB,
            data_dir=data_dir,
            graph_name=f"api_{next(graph_names)}",
            changes=False,  # tests/changes turn the change feed on where they test it
        )
    server: Neo4jInstance = request.getfixturevalue("neo4j_server")
    store = Neo4jStore(request.getfixturevalue("neo4j_driver"), "neo4j")
    store.bootstrap()
    store.clear()
    return Settings(
        engine=Engine.NEO4J,
        neo4j_uri=server.uri,
        neo4j_password=NEO4J_PASSWORD,
        data_dir=data_dir,
        changes=False,
    )

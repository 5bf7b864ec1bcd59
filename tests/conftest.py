"""Real servers for the tests: embedded FalkorDB and a local Neo4j (auth on), both per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from falkordb import FalkorDB

from civicgraph.devserver.neo4j import Neo4jInstance, fetch, free_port
from civicgraph.settings import Settings
from graph.adapters.embedded import EmbeddedFalkorDB
from graph.adapters.falkordb import FalkorDBStore
from graph.adapters.neo4j import Neo4jStore, connect_neo4j
from graph.cypher.store import CypherStore
from tests import log_scan
from tests.engines import ENGINES, NEO4J_PASSWORD, graph_names, settings_for
from tests.redis_server import RedisServer

# One test principal makes thousands of requests here: the per-caller rate limit is off for
# the suite and on in the tests of it (tests/api/test_rate_limit.py), which set it.
os.environ["CIVICGRAPH_RATE_LIMIT_PER_S"] = "0"


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedFalkorDB]:
    server = EmbeddedFalkorDB(tmp_path_factory.mktemp("falkordb-data"))
    server.ensure_running()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jInstance]:
    home = Path(os.environ.get("CIVICGRAPH_TEST_NEO4J_HOME") or tmp_path_factory.mktemp("neo4j"))
    instance = Neo4jInstance(home, free_port(), free_port(), password=NEO4J_PASSWORD)
    instance.start(fetch())
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A redis-server of the tests' own (the change stream beside Neo4j)."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_server: Neo4jInstance) -> Iterator[object]:
    driver = connect_neo4j(neo4j_server.uri, "neo4j", NEO4J_PASSWORD)
    yield driver
    driver.close()


def falkordb_store(server: EmbeddedFalkorDB, batch_size: int = 5000) -> FalkorDBStore:
    """A store on a graph of its own (fresh for every test)."""
    client = FalkorDB(**server.client_kwargs())  # type: ignore[arg-type]
    store = FalkorDBStore(client, f"test_{os.getpid()}_{next(graph_names)}", batch_size)
    store.bootstrap()
    return store


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest) -> Iterator[CypherStore]:
    """The contract fixture: every test using it runs on both engines, on an empty graph."""
    built: CypherStore
    if request.param == "falkordb":
        built = falkordb_store(request.getfixturevalue("falkordb_server"))
        yield built
        built.session.graph.delete()
        built.session.client.connection.close()
    else:
        built = Neo4jStore(request.getfixturevalue("neo4j_driver"), "neo4j")
        built.bootstrap()
        built.clear()
        yield built


@pytest.fixture(params=ENGINES)
def engine_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings of one engine for one test (its store cleared first)."""
    return settings_for(request.param, request, tmp_path / "data")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Scan what each test phase wrote for personal data (see tests/log_scan.py): its stdout
    and stderr, where the product's log lines go once its processors redacted them. Pytest's
    own "Captured log" sections are left out: pytest's handler renders the raw records before
    those processors run, which is not what the product writes."""
    written = (text for title, text in report.sections if not title.startswith("Captured log"))
    log_scan.scan(report.nodeid, "\n".join(written))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    log_scan.scan_files()
    if log_scan.FOUND:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_sep("=", "personal data found in logs", red=True)
            for line in list(dict.fromkeys(log_scan.FOUND))[:50]:
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

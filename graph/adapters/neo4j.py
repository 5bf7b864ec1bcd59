"""GraphStore adapter for Neo4j 5 (production), through the official driver."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import neo4j
import structlog
from neo4j import Driver, RoutingControl
from neo4j.exceptions import (
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.cypher.params import Row
from graph.cypher.pipeline import Receive
from graph.cypher.session import CypherSession, Predicates
from graph.cypher.store import CypherStore
from graph.errors import DuplicateError, GraphError, StoreUnavailableError
from graph.model import NODE_MODELS, EdgeType, Label
from graph.records import LOOKUP_INDEXES, UNIQUE_PROPERTIES, NodeRef

FULLTEXT_INDEX = "entity_search"
log = structlog.get_logger(__name__)


def _store_error(exc: Neo4jError | DriverError) -> GraphError:
    if isinstance(exc, ServiceUnavailable | SessionExpired):
        return StoreUnavailableError(f"Neo4j is not reachable: {exc}")
    if isinstance(exc, ConstraintError):
        # Neo4j's message quotes the value (an ID number): only the property is kept.
        found = re.search(r"property `(\w+)`", exc.message or "")
        prop = found.group(1) if found else "id"
        return DuplicateError([f"{prop}: another node holds this value (unique)"])
    if isinstance(exc, Neo4jError):
        return GraphError(f"Neo4j refused a query: {exc.message}")
    return StoreUnavailableError(f"Neo4j: {exc}")


def _plain(value: Any) -> Any:
    """Nodes and relationships become their property maps (as on FalkorDB)."""
    if isinstance(value, neo4j.graph.Node | neo4j.graph.Relationship):
        return dict(value)
    return value


def _row(record: neo4j.Record) -> Row:
    return {key: _plain(value) for key, value in record.items()}


class Neo4jSession(CypherSession):
    engine = "neo4j"

    def __init__(self, driver: Driver, database: str = "neo4j", batch_size: int = 5000) -> None:
        super().__init__(batch_size)
        self.driver = driver
        self.database = database
        self._pipe: neo4j.Session | None = None  # the session pipelined writes run in
        self._writer: ThreadPoolExecutor | None = None  # the thread that runs them, in order

    def _run(self, query: str, params: dict[str, Any] | None, routing: RoutingControl) -> list[Row]:
        try:
            records, _, _ = self.driver.execute_query(
                query, params or {}, database_=self.database, routing_=routing
            )
        except (Neo4jError, DriverError) as exc:
            raise _store_error(exc) from exc
        return [_row(record) for record in records]

    # -- pipelined writes ---------------------------------------------------------------------
    def engine_send(self, query: str, params: dict[str, Any]) -> Receive:
        """Hand a write to the writer thread and return at once. The thread runs pipelined
        writes one after another, in the order they were sent, each in its own auto-commit
        transaction of one session, and reads each result to its end; the caller prepares the
        next batch meanwhile (the driver waits on the server with the GIL released). Every
        write shares the bookmarks of every other query, so later reads see it."""
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-writes")
        return self._writer.submit(self._run_sent, query, params).result

    def _run_sent(self, query: str, params: dict[str, Any]) -> list[Row]:
        """Run one pipelined write (on the writer thread); a refusal stays with its write."""
        try:
            if self._pipe is None:
                self._pipe = self.driver.session(
                    database=self.database,
                    bookmark_manager=self.driver.execute_query_bookmark_manager,
                )
            return [_row(record) for record in self._pipe.run(query, params)]
        except (Neo4jError, DriverError) as exc:
            self._drop_pipe()
            raise _store_error(exc) from exc

    def _drop_pipe(self) -> None:
        if self._pipe is not None:
            with contextlib.suppress(Neo4jError, DriverError):
                self._pipe.close()
            self._pipe = None

    def engine_read(self, query: str, params: dict[str, Any] | None) -> list[Row]:
        """One auto-commit read: RUN and PULL in one round trip (a managed transaction adds
        BEGIN and COMMIT, a second round trip). It shares the bookmarks of every write, so it
        sees them; a connection the server dropped (a restart) is retried once."""
        for attempt in (1, 2):
            try:
                with self.driver.session(
                    database=self.database,
                    bookmark_manager=self.driver.execute_query_bookmark_manager,
                    default_access_mode=neo4j.READ_ACCESS,
                ) as session:
                    return [_row(record) for record in session.run(query, params or {})]
            except (ServiceUnavailable, SessionExpired) as exc:
                if attempt == 2:
                    raise _store_error(exc) from exc
            except (Neo4jError, DriverError) as exc:
                raise _store_error(exc) from exc
        raise AssertionError("unreachable")

    def engine_write(self, query: str, params: dict[str, Any] | None) -> list[Row]:
        return self._run(query, params, RoutingControl.WRITE)

    # -- schema -----------------------------------------------------------------------------
    def bootstrap(self) -> None:
        statements = [
            f"CREATE CONSTRAINT {label.value.lower()}_id IF NOT EXISTS "
            f"FOR (n:{label.value}) REQUIRE n.id IS UNIQUE"
            for label in Label
        ]
        statements += [
            "CREATE CONSTRAINT change_event_seq IF NOT EXISTS "
            "FOR (e:ChangeEvent) REQUIRE e.seq IS UNIQUE",
            "CREATE CONSTRAINT civic_meta_key IF NOT EXISTS "
            "FOR (m:CivicMeta) REQUIRE m.key IS UNIQUE",
            "CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE",
            "CREATE CONSTRAINT persisted_query_hash IF NOT EXISTS "
            "FOR (q:PersistedQuery) REQUIRE q.hash IS UNIQUE",
            "CREATE CONSTRAINT audit_entry_seq IF NOT EXISTS "
            "FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE",
        ]
        statements += [
            f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
            for label, prop in LOOKUP_INDEXES
            if (label, prop) not in UNIQUE_PROPERTIES  # a constraint brings its own index
        ]
        searchable = "|".join(label.value for label in Label if NODE_MODELS[label].search_fields)
        statements.append(
            f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{searchable}) "
            "ON EACH [n.search_text] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', "
            "`fulltext.eventually_consistent`: true}}"
        )
        for statement in statements:
            self.write(statement)
        for label, prop in UNIQUE_PROPERTIES:
            self._ensure_unique(label, prop)
        self.write(self.q("ensure_counter"))
        self.write("CALL db.awaitIndexes(300)")

    def _ensure_unique(self, label: str, prop: str) -> None:
        """A uniqueness constraint in place of the plain index of earlier versions; where
        stored nodes already share a value, the plain index stays and a warning names the
        property (the product's own writes still refuse duplicates)."""
        name = f"{label.lower()}_{prop}"
        self.write(f"DROP INDEX {name} IF EXISTS")
        try:
            self.write(
                f"CREATE CONSTRAINT {name}_unique IF NOT EXISTS "
                f"FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
            )
        except GraphError:
            log.warning("store.not_unique", label=label, property=prop)
            self.write(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")

    def clear(self) -> None:
        self.await_sent()
        with self.driver.session(database=self.database) as session:
            session.run(
                "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()
        self.write(self.q("ensure_counter"))

    def close(self) -> None:
        self.await_sent()
        if self._writer is not None:
            self._writer.shutdown()
            self._writer = None
        self._drop_pipe()
        self.driver.close()

    # -- dialect-specific queries -------------------------------------------------------------
    def search_candidates(
        self, grams: list[str], labels: Sequence[Label], limit: int, within: Predicates = None
    ) -> list[tuple[Label, str, dict[str, Any], float]]:
        # The index is updated after commit (measured: +42 % resident upserts); wait for it so a
        # search always sees every write acknowledged before it.
        self.read("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()")
        lucene = " AND ".join(f'"{gram}"' for gram in grams)
        params: dict[str, Any] = {"query": lucene, "limit": limit}
        where, options = "", ", {limit: $limit}"
        if within is not None:
            labels = [label for label in labels if label in within]
            if not labels:
                return []
            tests = [f"(node:{label.value} AND {within[label][0]})" for label in labels]
            where, options = f"AND ({' OR '.join(tests)})", ""
            for label in labels:
                params.update(within[label][1])
        params["labels"] = [label.value for label in labels]
        rows = self.read(self.q("search", WHERE=where, OPTIONS=options), params)
        return [(Label(r["label"]), r["id"], dict(r["props"]), float(r["score"])) for r in rows]

    def shortest_path_query(
        self, a: NodeRef, b: NodeRef, max_hops: int, types: Sequence[EdgeType]
    ) -> str:
        rel = ":" + "|".join(EdgeType(t).value for t in types) if types else ""
        return self.q(
            "shortest_path",
            SOURCE=a.label.value,
            TARGET=b.label.value,
            REL=rel,
            MAXHOPS=str(int(max_hops)),
        )


def connect_neo4j(uri: str, user: str, password: str | None) -> Driver:
    """A verified driver; authentication only when a password is given."""
    auth = (user, password) if password else None
    driver = neo4j.GraphDatabase.driver(
        uri, auth=auth, notifications_min_severity="OFF", max_connection_pool_size=100
    )
    try:
        driver.verify_connectivity()
    except ServiceUnavailable as exc:
        driver.close()
        raise StoreUnavailableError(f"Neo4j at {uri} is not reachable: {exc}") from exc
    except Neo4jError as exc:
        driver.close()
        raise StoreUnavailableError(
            f"Neo4j at {uri} refused the connection: {exc.message}"
        ) from exc
    return driver


class Neo4jStore(CypherStore):
    """The store over a Neo4j session."""

    session: Neo4jSession

    def __init__(self, driver: Driver, database: str = "neo4j", batch_size: int = 5000) -> None:
        super().__init__(Neo4jSession(driver, database, batch_size))

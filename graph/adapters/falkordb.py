"""GraphStore adapter for FalkorDB (the embedded default)."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Sequence
from typing import Any

import orjson
import redis
from falkordb import Edge as FalkorEdge
from falkordb import FalkorDB
from falkordb import Node as FalkorNode
from falkordb.helpers import stringify_param_value
from falkordb.query_result import QueryResult

from graph.adapters.embedded import compact
from graph.cypher.params import Positional, Row
from graph.cypher.pipeline import Receive
from graph.cypher.session import CypherSession, Predicates
from graph.cypher.store import CypherStore
from graph.errors import DuplicateError, GraphError, InvalidInputError, StoreUnavailableError
from graph.model import NODE_MODELS, EdgeType, Label
from graph.records import LOOKUP_INDEXES, UNIQUE_PROPERTIES, NodeRef

INTERNAL_INDEXES = (
    ("ChangeEvent", "seq"),
    ("CivicMeta", "key"),
    ("ApiKey", "id"),
    ("AuditEntry", "seq"),
    ("PersistedQuery", "hash"),
)
# ChangeEvent.seq gets an index but no unique constraint here: FalkorDB runs one write query at
# a time and every write reserves its numbers under the counter, so numbers cannot repeat; the
# constraint would cost ~40 % of write throughput (measured). Neo4j keeps the constraint.
UNIQUE_INTERNAL = (("CivicMeta", "key"), ("ApiKey", "id"), ("PersistedQuery", "hash"))


def _column(name: Any) -> str:
    return name.decode() if isinstance(name, bytes) else str(name)


def _rows(result: QueryResult) -> list[Row]:
    names = [_column(h[1]) for h in result.header]
    return [
        {name: _plain(value) for name, value in zip(names, row, strict=True)}
        for row in result.result_set
    ]


_ERROR_CONTEXT = re.compile(r"\s*errCtx:.*", re.DOTALL)


def _store_error(exc: redis.exceptions.RedisError) -> GraphError:
    if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return StoreUnavailableError(f"FalkorDB is not reachable: {exc}")
    # FalkorDB quotes the query text around a parse error (errCtx), parameter values included:
    # the message keeps only the error itself, since it may reach a log.
    message = _ERROR_CONTEXT.sub("", str(exc))
    if "unique constraint violation" in message:
        label = message.rsplit(" ", 1)[-1]  # "... on node of type Resident"
        unique = ["id", *(prop for held, prop in UNIQUE_PROPERTIES if held == label)]
        return DuplicateError([f"{' or '.join(unique)}: {message}"])
    return GraphError(f"FalkorDB refused a query: {message}")


def _params_header(params: dict[str, Any] | None) -> str:
    """The `CYPHER name=value ...` prefix that carries a query's parameters."""
    if not params:
        return ""
    return "CYPHER " + "".join(f"`{name}`={_literal(value)} " for name, value in params.items())


def _literal(value: Any) -> str:
    """A parameter as a Cypher literal. A Positional value is written as JSON (orjson, C
    speed): with no maps in it, JSON is Cypher, except the \\u escapes JSON uses for control
    characters, which FalkorDB keeps verbatim; such a value, one that is not valid UTF-8, and
    every other value, is written by the client library's encoder (Python, per value)."""
    if isinstance(value, Positional):
        with contextlib.suppress(orjson.JSONEncodeError):
            if b"\\u" not in (text := orjson.dumps(value)):
                return text.decode()
    literal = str(stringify_param_value(value))
    # FalkorDB reads query text up to a NUL; only this encoder writes one as it is (JSON
    # escapes it). The models refuse control characters: this covers what reaches the store
    # another way (a filter, an id).
    if "\x00" in literal:
        raise InvalidInputError(["value: holds a NUL character (U+0000), which is not valid here"])
    return literal


def _plain(value: Any) -> Any:
    """Nodes and relationships become their property maps (like `properties(x)`, cheaper)."""
    if isinstance(value, FalkorNode | FalkorEdge):
        return dict(value.properties)
    return value


class FalkorDBSession(CypherSession):
    engine = "falkordb"
    # FalkorDB's range index answers `<` and `<=` on an indexed string property wrongly (it
    # returned every node, in 1.4.1); comparing toString(id) keeps the index out of it.
    id_lt_expression = "toString({var}.id)"
    internal_id = "id({var})"

    def __init__(self, client: FalkorDB, graph_name: str, batch_size: int = 5000) -> None:
        super().__init__(batch_size)
        self.client = client
        self.graph_name = graph_name
        self.graph = client.select_graph(graph_name)
        self._pipes = threading.local()  # each thread's connection for pipelined writes

    @property
    def _pipe(self) -> redis.Connection | None:
        """The connection this thread's pipelined writes go on (see `CypherSession._sent`)."""
        pipe: redis.Connection | None = getattr(self._pipes, "connection", None)
        return pipe

    @_pipe.setter
    def _pipe(self, connection: redis.Connection | None) -> None:
        self._pipes.connection = connection

    def _run(self, query: str, params: dict[str, Any] | None, read_only: bool) -> list[Row]:
        try:
            run = self.graph.ro_query if read_only else self.graph.query
            result = run(_params_header(params) + query)
        except redis.exceptions.RedisError as exc:
            raise _store_error(exc) from exc
        return _rows(result)

    def engine_read(self, query: str, params: dict[str, Any] | None) -> list[Row]:
        return self._run(query, params, read_only=True)

    def engine_write(self, query: str, params: dict[str, Any] | None) -> list[Row]:
        return self._run(query, params, read_only=False)

    # -- pipelined writes ---------------------------------------------------------------------
    def engine_send(self, query: str, params: dict[str, Any]) -> Receive:
        """Send a write on the pipeline connection and return at once; the server runs it while
        the caller prepares the next batch. Replies come back in the order the writes went."""
        try:
            if self._pipe is None:
                self._pipe = self.client.connection.connection_pool.get_connection()
            text = _params_header(params) + query
            self._pipe.send_command("GRAPH.QUERY", self.graph_name, text, "--compact")
        except redis.exceptions.RedisError as exc:
            self._drop_pipe()
            raise _store_error(exc) from exc
        return self._receive

    def _receive(self) -> list[Row]:
        """The reply of the oldest unanswered write on the pipeline connection."""
        if self._pipe is None:
            raise StoreUnavailableError("FalkorDB: the connection of a sent write was lost")
        try:
            return _rows(QueryResult(self.graph, self._pipe.read_response()))
        except redis.exceptions.ResponseError as exc:
            raise _store_error(exc) from exc
        except redis.exceptions.RedisError as exc:
            # The connection is gone: this write and every one sent after it are unanswered.
            self._drop_pipe()
            raise _store_error(exc) from exc

    def _drop_pipe(self) -> None:
        if self._pipe is not None:
            self._pipe.disconnect()
            self.client.connection.connection_pool.release(self._pipe)
            self._pipe = None

    # -- schema -----------------------------------------------------------------------------
    def bootstrap(self) -> None:
        self.write(self.q("ensure_counter"))
        present = self._indexes()
        wanted = [(label.value, "id") for label in Label]
        wanted += [*INTERNAL_INDEXES, *LOOKUP_INDEXES]
        for label, prop in wanted:
            if "RANGE" not in present.get((label, prop), ()):
                self.write(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
        for label in Label:
            if NODE_MODELS[label].search_fields and "FULLTEXT" not in present.get(
                (label.value, "search_text"), ()
            ):
                self.write(
                    "CALL db.idx.fulltext.createNodeIndex({label: $label, stopwords: []}, "
                    "'search_text')",
                    {"label": label.value},
                )
        existing = self._constraints()
        unique = [(label.value, "id") for label in Label] + [*UNIQUE_PROPERTIES, *UNIQUE_INTERNAL]
        for label, prop in unique:
            if (label, prop) not in existing:
                self.client.connection.execute_command(
                    "GRAPH.CONSTRAINT",
                    "CREATE",
                    self.graph_name,
                    "UNIQUE",
                    "NODE",
                    label,
                    "PROPERTIES",
                    1,
                    prop,
                )

    def _indexes(self) -> dict[tuple[str, str], set[str]]:
        rows = self.read(
            "CALL db.indexes() YIELD label, properties, types RETURN label, properties, types"
        )
        found: dict[tuple[str, str], set[str]] = {}
        for row in rows:
            for prop in row["properties"]:
                found[(row["label"], prop)] = set(row["types"].get(prop, []))
        return found

    def _constraints(self) -> set[tuple[str, str]]:
        rows = self.read(
            "CALL db.constraints() YIELD type, label, properties RETURN type, label, properties"
        )
        return {(r["label"], p) for r in rows if r["type"] == "UNIQUE" for p in r["properties"]}

    def clear(self) -> None:
        self.await_sent()
        try:
            self.graph.delete()
        except redis.exceptions.ResponseError as exc:
            if "empty key" not in str(exc) and "Invalid graph" not in str(exc):
                raise
        self.graph = self.client.select_graph(self.graph_name)
        self.bootstrap()

    def compact(self) -> None:
        """After a bulk load: fold the append-only tail into an RDB base (fast restarts)."""
        self.await_sent()
        compact(self.client.connection)

    def close(self) -> None:
        self.await_sent()
        self._drop_pipe()
        self.client.connection.close()

    # -- dialect-specific queries -------------------------------------------------------------
    def search_candidates(
        self, grams: list[str], labels: Sequence[Label], limit: int, within: Predicates = None
    ) -> list[tuple[Label, str, dict[str, Any], float]]:
        params: dict[str, Any] = {"query": " ".join(grams), "limit": limit}
        branches = []
        for label in labels:
            where = ""
            if within is not None:
                if label not in within:
                    continue
                where = f"WHERE {within[label][0]}"
                params.update(within[label][1])
            branches.append(self.q("search", LABEL=label.value, WHERE=where))
        if not branches:
            return []
        rows = self.read(" UNION ALL ".join(branches), params)
        return [(Label(r["label"]), r["id"], dict(r["props"]), float(r["score"])) for r in rows]

    def shortest_path_query(
        self, a: NodeRef, b: NodeRef, max_hops: int, types: Sequence[EdgeType]
    ) -> str:
        rel_types = (
            "relTypes: [" + ", ".join(f"'{EdgeType(t).value}'" for t in types) + "],"
            if types
            else ""
        )
        return self.q(
            "shortest_path",
            SOURCE=a.label.value,
            TARGET=b.label.value,
            RELTYPES=rel_types,
            MAXHOPS=str(int(max_hops)),
        )


class FalkorDBStore(CypherStore):
    """The store over a FalkorDB session."""

    session: FalkorDBSession

    def __init__(self, client: FalkorDB, graph_name: str, batch_size: int = 5000) -> None:
        super().__init__(FalkorDBSession(client, graph_name, batch_size))

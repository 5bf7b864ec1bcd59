"""A session with one Cypher engine: its reads and atomic writes, counted and timed, writes
sent ahead of their replies, and batches of rows sent one atomic write each. An adapter
(`graph.adapters`) subclasses it with the engine's round trips and the little Cypher that
differs per engine; the store's parts are handed a session and know nothing else of it."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from graph.cypher.params import Positional, Row
from graph.cypher.pipeline import Receive, SentWrites
from graph.metrics import STORE_QUERIES, STORE_QUERY_SECONDS
from graph.model import EdgeType, Label
from graph.records import NodeRef, Provenance, WriteResult
from graph.write_rows import PendingWrite, RowsParam, Send, chunks, now_iso
from queries import cypher

# Per label, a predicate over the variable `node` and its parameters (None: no condition).
Predicates = dict[Label, tuple[str, dict[str, Any]]] | None
Sent = list[tuple[Sequence[Row], Callable[[], list[Row]]]]  # each batch and its reply


def keyed_rows(batch: Sequence[Row]) -> list[Row]:
    """Upsert rows as sent: each map plus its index in the batch."""
    return [{**row, "i": i} for i, row in enumerate(batch, start=1)]


class CypherSession(ABC):
    """One engine's round trips, with what every part of the store builds on."""

    engine: str
    # How to write "id less than" for this engine (FalkorDB's differs, see there).
    id_lt_expression = "{var}.id"
    # A node's id inside the engine, which finds it again without its label (a walk's hops).
    internal_id = "elementId({var})"

    def __init__(self, batch_size: int = 5000) -> None:
        self.batch_size = batch_size
        self._local = threading.local()  # each thread's pipelined writes (see `_sent`)
        self.commit_listeners: list[Callable[[], None]] = []  # told after each `write`

    # -- what an adapter provides -----------------------------------------------------------
    @abstractmethod
    def engine_read(self, query: str, params: dict[str, Any] | None) -> list[Row]: ...

    @abstractmethod
    def engine_write(self, query: str, params: dict[str, Any] | None) -> list[Row]: ...

    @abstractmethod
    def search_candidates(
        self, grams: list[str], labels: Sequence[Label], limit: int, within: Predicates = None
    ) -> list[tuple[Label, str, dict[str, Any], float]]:
        """Nodes of `labels` whose search text holds the grams, best first (full-text index);
        with `within`, only those of its labels that its compiled predicate (over `node`, with
        its parameters) keeps."""

    @abstractmethod
    def shortest_path_query(
        self, a: NodeRef, b: NodeRef, max_hops: int, types: Sequence[EdgeType]
    ) -> str: ...

    @abstractmethod
    def bootstrap(self) -> None:
        """Create constraints, indexes and the event counter; safe to run again."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node, relationship and event."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""

    def compact(self) -> None:
        """Make the engine's files compact after a bulk load (where the engine needs it;
        this default only waits for the writes sent so far)."""
        self.await_sent()

    @property
    def _sent(self) -> SentWrites:
        """The pipelined writes this thread sent and has not yet had answered. Each thread
        has its own: an ingest job's writes are awaited by that job's later reads, never by
        another thread's (the relay's reads beside a demo load would otherwise take their
        replies off the same connection)."""
        sent: SentWrites | None = getattr(self._local, "sent", None)
        if sent is None:
            sent = self._local.sent = SentWrites()
        return sent

    def engine_send(self, query: str, params: dict[str, Any]) -> Receive:
        """Send one write and return what reads its reply; engines that can pipeline return
        before the engine has run it. This default runs it at once."""
        rows = self.engine_write(query, params)
        return lambda: rows

    def await_sent(self) -> None:
        """Every write sent so far is answered."""
        self._sent.await_all()

    # -- round trips ------------------------------------------------------------------------
    def read(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        """One read round trip (counted in `civicgraph_store_queries_total`); it sees every
        write sent before it."""
        self._sent.await_all()
        STORE_QUERIES.labels(self.engine, "read").inc()
        with STORE_QUERY_SECONDS.labels(self.engine, "read").time():
            return self.engine_read(query, params)

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        """One atomic write round trip (counted in `civicgraph_store_queries_total`), after
        every write sent before it."""
        self._sent.await_all()
        STORE_QUERIES.labels(self.engine, "write").inc()
        with STORE_QUERY_SECONDS.labels(self.engine, "write").time():
            rows = self.engine_write(query, params)
        for listener in self.commit_listeners:
            listener()
        return rows

    def q(self, name: str, **slots: str) -> str:
        """A named query of `queries/` in this engine's dialect."""
        return cypher(name, self.engine, **slots)

    def read_chunked(self, query: str, name: str, values: Sequence[Any]) -> Iterator[Row]:
        """The rows of `query` over `values`, passed as parameter `name` a few batches' worth
        at a time (one read each)."""
        for chunk in chunks(values, self.batch_size * 4):
            yield from self.read(query, {name: Positional(chunk)})

    def write_now(self, query: str, params: dict[str, Any]) -> Callable[[], list[Row]]:
        rows = self.write(query, params)
        return lambda: rows

    def send_write(self, query: str, params: dict[str, Any]) -> Callable[[], list[Row]]:
        """Send one atomic write; the returned call waits for its rows. An engine that can
        pipeline lets the caller work while it writes; every later read or write on the
        session first waits for what was sent before it. Pipelined writes belong to one
        thread (an ingest job); the API writes synchronously."""
        STORE_QUERIES.labels(self.engine, "write").inc()
        return self._sent.add(self.engine_send(query, params))

    # -- batches ----------------------------------------------------------------------------
    def send_batches(
        self,
        query: str,
        rows: Sequence[Row],
        provenance: Provenance,
        send: Send,
        rows_param: RowsParam,
        batch_params: Callable[[Sequence[Row]], dict[str, Any]] | None = None,
    ) -> Sent:
        """Send `query` once per batch of `rows`, all with one timestamp; `rows_param` shapes
        a batch, `batch_params` adds parameters of its own."""
        now = now_iso()
        sent = []
        for batch in chunks(rows, self.batch_size):
            params = {
                "rows": rows_param(batch),
                "now": now,
                "source": provenance.source,
                "actor": provenance.actor,
                **(batch_params(batch) if batch_params else {}),
            }
            sent.append((batch, send(query, params)))
        return sent

    def submit(
        self, query: str, rows: Sequence[Row], provenance: Provenance, send: Send
    ) -> PendingWrite:
        """Send an upsert query over `rows` with `send`, one atomic write per batch; the
        returned call counts what they created, changed and left as they were."""
        sent = self.send_batches(query, rows, provenance, send, keyed_rows)

        def result() -> WriteResult:
            total = WriteResult()
            for batch, reply in sent:
                records = reply()
                created = int(records[0]["created"] or 0) if records else 0
                changed = int(records[0]["changed"] or 0) if records else 0
                total += WriteResult(created, changed - created, len(batch) - changed)
            return total

        return result

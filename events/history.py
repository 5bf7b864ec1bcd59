"""What changed after a sequence number: the nodes and relationships touched, read from the
graph's change events (those not yet relayed) and from the change stream in Redis (those
relayed and pruned from the graph). In-memory views of the graph (the risk projection, the
petition gazetteer) follow it to stay current; when that history is gone (pruned without a
stream, trimmed from the stream, or the graph replaced) they are built again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import redis

from events.change import Change, ChangeKind
from events.stream import ChangeStream, CursorExpiredError
from graph.model import EdgeType, Label
from graph.records import ChangeEvent, NodeColumns, NodeRef

EdgeKey = tuple[EdgeType, NodeRef, NodeRef]
T = TypeVar("T")
PAGE = 5_000
# The last entry index a stream cursor can name: `<seq>-LAST` is after every entry of `seq`.
LAST = 2**63 - 1


@dataclass
class Touched:
    """The nodes and relationships some changes touched, and the last change among them."""

    through: int
    nodes: set[NodeRef] = field(default_factory=set)
    deleted: set[NodeRef] = field(default_factory=set)
    edges: set[EdgeKey] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.nodes) + len(self.edges)

    def add_event(self, event: ChangeEvent) -> None:
        self.through = max(self.through, event.seq)
        if event.kind == "risk_alert":
            return  # a saved score changes nothing the projection holds
        refs = [NodeRef.parse(e) for e in event.entity_ids]
        if event.kind.startswith("edge_"):
            edge_type = EdgeType(event.label)
            self.edges.update((edge_type, a, b) for a, b in zip(refs[::2], refs[1::2], strict=True))
            return
        self.nodes.update(refs)
        if event.kind == "node_deleted":
            self.deleted.update(refs)

    def add_change(self, change: Change) -> None:
        self.through = max(self.through, change.seq)
        if change.source_id is not None and change.target_id is not None:
            edge_type = EdgeType(change.entity_type)
            ends = NodeRef.parse(change.source_id), NodeRef.parse(change.target_id)
            self.edges.add((edge_type, *ends))
            return
        if change.kind == ChangeKind.RISK_ALERT:
            return
        ref = NodeRef.parse(change.entity_id)
        self.nodes.add(ref)
        if change.kind == ChangeKind.NODE_DELETED:
            self.deleted.add(ref)


class StoreReads(Protocol):
    """What following the history reads of the store (see `graph.port`)."""

    def events_after(self, seq: int, limit: int = 1000) -> list[ChangeEvent]: ...

    def last_event_seq(self) -> int: ...

    def events_pruned_through(self) -> int: ...

    def export_values(
        self, label: Label, ids: Sequence[str], fields: Sequence[str]
    ) -> NodeColumns: ...

    def edge_values(self, edges: Sequence[EdgeKey]) -> dict[EdgeKey, dict[str, Any]]: ...


@dataclass
class ChangeHistory:
    """The graph's change events, and the stream the relay moves them to (None: no stream
    beside this store)."""

    store: StoreReads
    stream: ChangeStream | None = None

    def touched_after(self, seq: int, most: int) -> Touched | None:
        """What changed after `seq`; None when that history is gone or holds more than `most`
        changes (a rebuild is then as quick)."""
        touched = Touched(seq)
        if not self._graph_events(touched, most):
            return None
        # Read after the events: a relay records how far it prunes before pruning, so events
        # after `seq` were all still there unless this says otherwise. Those pruned were
        # appended to the stream before, and reading it now misses none of them.
        if self.store.events_pruned_through() <= seq:
            return touched
        if self.stream is None:
            return None
        try:
            return self._stream_changes(seq, touched, most)
        except (redis.RedisError, CursorExpiredError):
            return None  # Redis away or trimmed: what was pruned cannot be read

    def _graph_events(self, touched: Touched, most: int) -> bool:
        """Add the graph's events after `touched.through`; False when more than `most`."""
        return _pages(
            lambda after: self.store.events_after(after, PAGE),
            touched.through,
            lambda event: event.seq,
            touched.add_event,
            touched,
            most,
        )

    def _stream_changes(self, seq: int, touched: Touched, most: int) -> Touched | None:
        assert self.stream is not None
        stream = self.stream
        after = f"{seq}-{LAST}"
        stream.check_cursor(after)
        read = _pages(
            lambda cursor: stream.read(cursor, PAGE),
            after,
            lambda change: change.cursor,
            touched.add_change,
            touched,
            most,
        )
        return touched if read else None


def _pages(
    read: Callable[[Any], Sequence[T]],
    after: Any,
    position: Callable[[T], Any],
    add: Callable[[T], None],
    touched: Touched,
    most: int,
) -> bool:
    """Add every item `read` gives after `after`, a page at a time; False once `touched`
    holds more than `most`."""
    while True:
        page = read(after)
        for item in page:
            add(item)
        if touched.count > most:
            return False
        if len(page) < PAGE:
            return True
        after = position(page[-1])

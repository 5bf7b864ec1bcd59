"""Writes sent ahead of their replies (pipelining), awaited in the order they were sent.

An ingest job sends a batch's writes and goes on preparing the next batch while the engine
runs them; the engine and the client then work at the same time on the machine's two cores.
Every other read or write of the store first awaits what was sent before it, so it sees
those writes, as it would without pipelining.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from graph.cypher.params import Row
from graph.errors import GraphError

Receive = Callable[[], list[Row]]  # reads the reply of one sent write (GraphError if refused)


@dataclass
class _Reply:
    receive: Receive
    done: bool = False
    rows: list[Row] = field(default_factory=list)
    error: GraphError | None = None


class SentWrites:
    def __init__(self) -> None:
        self._due: deque[_Reply] = deque()

    def add(self, receive: Receive) -> Callable[[], list[Row]]:
        """Record a sent write; the returned call waits for its rows (or raises its error)."""
        reply = _Reply(receive)
        self._due.append(reply)
        return lambda: self._await(reply)

    def await_all(self) -> None:
        """Every write sent so far is answered (results kept for whoever waits on them)."""
        while self._due:
            self._receive_next()

    def _await(self, reply: _Reply) -> list[Row]:
        while not reply.done:
            self._receive_next()
        if reply.error is not None:
            raise reply.error
        return reply.rows

    def _receive_next(self) -> None:
        reply = self._due.popleft()
        reply.done = True
        try:
            reply.rows = reply.receive()
        except GraphError as exc:
            reply.error = exc

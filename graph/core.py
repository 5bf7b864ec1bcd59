"""What the store's mixins (listing, single-entity writes, statistics) rely on; CypherStore
provides it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.store import NodeRecord, NodeRef

Row = dict[str, Any]


class StoreCore:
    """The primitives every store mixin builds on: one read, one atomic write, named queries."""

    def _read(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        raise NotImplementedError

    def _write(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        raise NotImplementedError

    def _q(self, name: str, **slots: str) -> str:
        raise NotImplementedError

    def get_nodes(self, refs: Sequence[NodeRef]) -> dict[NodeRef, NodeRecord]:
        raise NotImplementedError


class Positional(list[Any]):
    """A parameter that holds only lists, strings, finite numbers, booleans and nulls, never
    maps (rows by position, id lists). An engine may encode it faster than a general value.
    Its values come from validated models, which refuse NaN and infinity."""

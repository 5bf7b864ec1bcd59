"""Narrow views of the store, for code that needs only part of it (the full port is
`graph.store.GraphStore`). Both adapters satisfy each one; mypy checks it where they are
passed in."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Protocol

from graph.model import Node
from graph.store import Edge, NodeRecord, NodeRef, Provenance, WriteResult


class NodeReads(Protocol):
    def get_nodes(self, refs: Sequence[NodeRef]) -> dict[NodeRef, NodeRecord]: ...


class VersionedWrites(Protocol):
    def upsert_node(
        self,
        node: Node,
        provenance: Provenance,
        expected_version: int | None = None,
        keep: Collection[str] = (),
    ) -> tuple[NodeRecord, bool]: ...

    def upsert_edges(
        self, edges: Iterable[Edge], provenance: Provenance, check_endpoints: bool = True
    ) -> WriteResult: ...


class RecordStore(NodeReads, VersionedWrites, Protocol):
    """Reads nodes and writes them one at a time with version checks (the incident workflow,
    API mutations)."""

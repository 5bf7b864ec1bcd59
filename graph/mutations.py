"""Single-entity writes for the API: checked upsert (optimistic versions), deletes, unlinks."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from graph.core import StoreCore
from graph.errors import NotFoundError, VersionConflictError
from graph.model import EdgeType, Node
from graph.rows import now_iso, write_row
from graph.search_text import index_text
from graph.store import NodeRecord, NodeRef, Provenance


class MutationMixin(StoreCore):
    """Single-entity writes over a store's atomic writes."""

    def _params(self, provenance: Provenance, **extra: Any) -> dict[str, Any]:

        return {"now": now_iso(), "source": provenance.source, "actor": provenance.actor, **extra}

    def upsert_node(
        self,
        node: Node,
        provenance: Provenance,
        expected_version: int | None = None,
        keep: Collection[str] = (),
    ) -> tuple[NodeRecord, bool]:
        """Create or update one node; with `expected_version`, refuse a stale one. The
        stored values of the fields in `keep` stay as they are.

        Returns the stored node and whether it was created.
        """
        props = {k: v for k, v in node.properties().items() if k not in keep}
        row = write_row({"id": node.id, "search": index_text(node.search_text())}, props)
        [result] = self._write(
            self._q("upsert_node_checked", LABEL=node.label.value),
            self._params(provenance, row=row, expected=expected_version),
        )
        ref = NodeRef(node.label, node.id)
        if result["conflict"]:
            raise VersionConflictError(str(ref), expected_version or 0, int(result["current"]))
        return self.get_nodes([ref])[ref], bool(result["created"])

    def delete_node(
        self, ref: NodeRef, provenance: Provenance, expected_version: int | None = None
    ) -> None:
        """Delete a node with its relationships; NotFoundError or VersionConflictError."""
        [result] = self._write(
            self._q("delete_node", LABEL=ref.label.value),
            self._params(provenance, id=ref.id, expected=expected_version),
        )
        if not result["found"]:
            raise NotFoundError(f"{ref} does not exist")
        if result["conflict"]:
            raise VersionConflictError(str(ref), expected_version or 0, int(result["current"]))

    def delete_edge(
        self, edge_type: EdgeType, source: NodeRef, target: NodeRef, provenance: Provenance
    ) -> int:
        """Remove a relationship; returns how many were removed (0 or 1)."""
        query = self._q(
            "delete_edge",
            TYPE=EdgeType(edge_type).value,
            SOURCE=source.label.value,
            TARGET=target.label.value,
        )
        rows = self._write(
            query, self._params(provenance, source_id=source.id, target_id=target.id)
        )
        return int(rows[0]["removed"]) if rows else 0

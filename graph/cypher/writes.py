"""Writes: batched upserts of nodes and relationships, and the API's single-entity writes
(version-checked upsert, delete, unlink). Each write records its change events in the same
atomic write."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from graph.cypher.events import placement
from graph.cypher.reads import Reads
from graph.cypher.session import CypherSession
from graph.errors import (
    InvalidInputError,
    NotFoundError,
    UnknownReferenceError,
    VersionConflictError,
)
from graph.model import EdgeType, Label, Node
from graph.records import Edge, NodeRecord, NodeRef, Provenance, WriteResult
from graph.search_text import index_text
from graph.write_rows import (
    EdgeGroup,
    PendingWrite,
    Row,
    edge_write_row,
    node_write_row,
    now_iso,
    write_row,
)

MAX_REPORTED_PROBLEMS = 20


def upsert_edges_query(session: CypherSession, group: EdgeGroup) -> str:
    edge_type, source, target = group
    return session.q("upsert_edges", TYPE=edge_type.value, SOURCE=source.value, TARGET=target.value)


class Writes:
    def __init__(self, session: CypherSession, reads: Reads) -> None:
        self.session = session
        self.reads = reads

    # -- batched upserts --------------------------------------------------------------------
    def upsert_nodes(
        self, nodes: Iterable[Node], provenance: Provenance, partial: bool = False
    ) -> WriteResult:
        """Create or update nodes in batches (`partial`: see `node_write_row`)."""
        by_label: dict[Label, dict[str, Row]] = defaultdict(dict)
        for node in nodes:
            by_label[node.label][node.id] = node_write_row(node, partial)
        result = WriteResult()
        for label, rows in by_label.items():
            result += self.upsert_node_rows(label, list(rows.values()), provenance)
        return result

    def upsert_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> WriteResult:
        """Write rows made by `node_write_row` (one id at most once)."""
        query = self.session.q("upsert_nodes", LABEL=label.value)
        return self.session.submit(query, rows, provenance, self.session.write_now)()

    def submit_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        """Send the writes of `upsert_node_rows`; the returned call waits for their result."""
        query = self.session.q("upsert_nodes", LABEL=label.value)
        return self.session.submit(query, rows, provenance, self.session.send_write)

    def upsert_edges(
        self, edges: Iterable[Edge], provenance: Provenance, check_endpoints: bool = True
    ) -> WriteResult:
        """Create or update relationships; UnknownReferenceError names missing endpoints
        (`check_endpoints=False` when the caller has just checked them itself)."""
        edge_list = list(edges)
        groups = _validated_edge_groups(edge_list)
        if check_endpoints:
            self._require_endpoints(edge_list)
        result = WriteResult()
        for group, rows in groups.items():
            result += self.upsert_edge_rows(group, list(rows.values()), provenance)
        return result

    def upsert_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> WriteResult:
        """Write rows made by `edge_write_row` (one source-target pair at most once)."""
        query = upsert_edges_query(self.session, group)
        return self.session.submit(query, rows, provenance, self.session.write_now)()

    def submit_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        """Send the writes of `upsert_edge_rows`; the returned call waits for their result."""
        query = upsert_edges_query(self.session, group)
        return self.session.submit(query, rows, provenance, self.session.send_write)

    def _require_endpoints(self, edges: Sequence[Edge]) -> None:
        wanted: dict[Label, set[str]] = defaultdict(set)
        for edge in edges:
            wanted[edge.source.label].add(edge.source.id)
            wanted[edge.target.label].add(edge.target.id)
        missing = {
            NodeRef(label, node_id)
            for label, ids in wanted.items()
            for node_id in ids - self.reads.existing_ids(label, sorted(ids))
        }
        if not missing:
            return
        problems = []
        for i, edge in enumerate(edges):
            for end, ref in (("source", edge.source), ("target", edge.target)):
                if ref in missing:
                    problems.append(f"edges[{i}].{end}: {ref} does not exist")
        raise UnknownReferenceError(problems[:MAX_REPORTED_PROBLEMS])

    # -- single entities (the API) ----------------------------------------------------------
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
        [result] = self.session.write(
            self.session.q("upsert_node_checked", LABEL=node.label.value),
            self._params(provenance, row=row, expected=expected_version),
        )
        ref = NodeRef(node.label, node.id)
        if result["conflict"]:
            raise VersionConflictError(str(ref), expected_version or 0, int(result["current"]))
        return self.reads.get_nodes([ref])[ref], bool(result["created"])

    def delete_node(
        self, ref: NodeRef, provenance: Provenance, expected_version: int | None = None
    ) -> None:
        """Delete a node with its relationships; NotFoundError or VersionConflictError."""
        [result] = self.session.write(
            self.session.q("delete_node", LABEL=ref.label.value, PLACEMENT=placement()),
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
        query = self.session.q(
            "delete_edge",
            TYPE=EdgeType(edge_type).value,
            SOURCE=source.label.value,
            TARGET=target.label.value,
        )
        rows = self.session.write(
            query, self._params(provenance, source_id=source.id, target_id=target.id)
        )
        return int(rows[0]["removed"]) if rows else 0


def _validated_edge_groups(edges: Sequence[Edge]) -> dict[EdgeGroup, dict[tuple[str, str], Row]]:
    problems: list[str] = []
    groups: dict[EdgeGroup, dict[tuple[str, str], Row]] = defaultdict(dict)
    for i, edge in enumerate(edges):
        try:
            group, row = edge_write_row(edge, f"edges[{i}]")
        except InvalidInputError as exc:
            problems.extend(exc.problems)
            continue
        groups[group][(edge.source.id, edge.target.id)] = row
    if problems:
        raise InvalidInputError(problems[:MAX_REPORTED_PROBLEMS])
    return groups

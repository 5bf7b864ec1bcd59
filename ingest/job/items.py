"""What an ingest job carries: a valid row on its way to the store (Item), the rows read since
the last commit (Batch), and what happened to each table (TableReport, Summary)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from graph.model import Label, Node, Resident
from graph.records import Edge, NodeRef, WriteResult
from graph.write_rows import EdgeGroup, Row, edge_write_row, node_write_row
from ingest.mapping.rows import MAPPERS


def triple(node: Resident) -> tuple[str, str, str] | None:
    """A resident's secondary natural key: name, birth date and phone (None without a phone)."""
    return (node.name, node.birth_date.isoformat(), node.phone) if node.phone else None


@dataclass
class Summary:
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add_write(self, result: WriteResult) -> None:
        self.created += result.created
        self.updated += result.updated
        self.unchanged += result.unchanged


@dataclass
class TableReport:
    """What happened to one table (file or sheet)."""

    table: str
    kind: str
    summary: Summary = field(default_factory=Summary)
    rejects_file: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    resumed_after: int = 0  # rows a resumed run did not read again
    title_rows: int = 0  # rows above the header row (a title, the reporting unit): not data


@dataclass
class Item:
    """One valid row on its way to the store, with its upsert rows made ahead of the write."""

    table: int
    row: int
    raw: dict[str, str]
    kind: str
    canonical: dict[str, Any]
    nodes: list[Node]  # the row's own node first, then nodes it implies (a household)
    edges: list[Edge]
    node_rows: list[tuple[Label, Row]] = field(default_factory=list)
    edge_rows: list[tuple[EdgeGroup, Row]] = field(default_factory=list)
    refs: tuple[NodeRef, ...] = ()  # both ends of every edge
    own: tuple[NodeRef, ...] = ()  # the row's nodes
    alias: NodeRef | None = None  # the row's own id, when resolution stored it under another
    node: Node | None = None  # the row's own node (None for a relationship row)
    triple: tuple[str, str, str] | None = None  # a resident's name, birth date and phone

    @classmethod
    def make(
        cls, table: int, row: int, raw: dict[str, str], kind: str, canonical: dict[str, Any]
    ) -> Item:
        """Map and validate a canonical row (RowError or InvalidInputError when it is bad)."""
        nodes, edges = MAPPERS[kind](canonical)
        item = cls(table, row, raw, kind, canonical, nodes, edges)
        item._prepare()
        if isinstance(item.node, Resident):  # keyed once: by the batch split and resolution
            item.triple = triple(item.node)
        return item

    def retarget(self, node_id: str) -> None:
        """Point the row at another node of its label (entity resolution found it stored)."""
        node = self.nodes[0]
        old, new = NodeRef(node.label, node.id), NodeRef(node.label, node_id)
        self.alias = self.alias or old
        self.nodes[0] = node.model_copy(update={"id": node_id})
        self.redirect({old: new})

    def redirect(self, moved: dict[NodeRef, NodeRef]) -> None:
        """Point the row's relationships at the nodes that `moved` names instead."""
        self.edges = [
            dataclasses.replace(
                e, source=moved.get(e.source, e.source), target=moved.get(e.target, e.target)
            )
            for e in self.edges
        ]
        self._prepare()

    def _prepare(self) -> None:
        self.node = self.nodes[0] if self.nodes else None
        self.own = tuple([NodeRef(node.label, node.id) for node in self.nodes])
        self.node_rows = [(node.label, node_write_row(node, partial=True)) for node in self.nodes]
        self.edge_rows = [edge_write_row(edge, validated=True) for edge in self.edges]
        self.refs = tuple([end for edge in self.edges for end in (edge.source, edge.target)])


@dataclass
class Batch:
    """Rows read since the last commit: the valid ones, and the rejects with their reasons.
    Nothing of a batch is counted or written to a reject file before the batch before it
    has been acknowledged, so each checkpoint describes exactly the rows before it."""

    items: list[Item] = field(default_factory=list)
    rejects: list[tuple[dict[str, str], str]] = field(default_factory=list)
    read: int = 0


def batch_keys(item: Item) -> set[Any]:
    """What makes two rows the same entity: a repeat starts a new batch (the second row then
    updates the first, and the replaced values are kept as a revision)."""
    if item.node is None:
        return {(e.type, e.source, e.target) for e in item.edges}
    keys: set[Any] = {(item.node.label, item.node.id)}
    if isinstance(item.node, Resident):
        if item.node.id_number:
            keys.add(("id_number", item.node.id_number))
        if item.triple:
            keys.add(item.triple)
    return keys

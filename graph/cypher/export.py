"""The whole graph read out in batches, for in-memory projections (`risk/`): each label's
nodes with the properties asked for, each relationship type's pairs with its properties.
Batches follow the engine's internal ids upward (each batch one read: `id(x) > last`, the
lowest `batch` of them, which the engines pick with a bounded heap rather than a full sort),
so a graph of millions never sits in one reply."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from graph.cypher.session import CypherSession
from graph.errors import GraphError
from graph.model import EdgeType, Label
from graph.records import NodeRef

NodeRow = tuple[str, dict[str, Any]]  # id, properties
EdgeRow = tuple[NodeRef, NodeRef, dict[str, Any]]  # source, target, properties


def _fields(names: Sequence[str]) -> str:
    for name in names:
        if not name.isidentifier():
            raise ValueError(f"{name!r} is not a property name")
    return ", ".join(f"{name}: x.{name}" for name in names)


class Export:
    def __init__(self, session: CypherSession, batch: int = 50_000) -> None:
        self.session = session
        self.batch = batch

    def _batches(self, match: str, returned: str) -> Iterator[list[dict[str, Any]]]:
        last = -1
        while True:
            rows = self.session.read(
                f"{match} WHERE id(x) > $last WITH x, a, b ORDER BY id(x) LIMIT $batch "
                f"RETURN id(x) AS iid, {returned}",
                {"last": last, "batch": self.batch},
            )
            if not rows:
                return
            ids = [int(row["iid"]) for row in rows]
            if ids[0] <= last or any(b <= a for a, b in itertools.pairwise(ids)):
                raise GraphError("export: internal ids came back out of order")
            last = ids[-1]
            yield rows
            if len(rows) < self.batch:
                return

    def export_nodes(self, label: Label, fields: Sequence[str]) -> Iterator[list[NodeRow]]:
        """Every node of `label`: its id and the `fields` it holds, a batch at a time."""
        match = f"MATCH (x:{label.value}) WITH x, null AS a, null AS b"
        returned = f"x.id AS id, {{{_fields(fields)}}} AS props" if fields else "x.id AS id"
        for rows in self._batches(match, returned):
            yield [
                (row["id"], {k: v for k, v in (row.get("props") or {}).items() if v is not None})
                for row in rows
            ]

    def export_edges(
        self, edge_type: EdgeType, fields: Sequence[str] = ()
    ) -> Iterator[list[EdgeRow]]:
        """Every relationship of `edge_type`: its ends and the `fields` it holds."""
        match = f"MATCH (a)-[x:{EdgeType(edge_type).value}]->(b)"
        props = f", {{{_fields(fields)}}} AS props" if fields else ""
        returned = f"labels(a)[0] AS sl, a.id AS s, labels(b)[0] AS tl, b.id AS t{props}"
        for rows in self._batches(match, returned):
            yield [
                (
                    NodeRef(Label(row["sl"]), row["s"]),
                    NodeRef(Label(row["tl"]), row["t"]),
                    {k: v for k, v in (row.get("props") or {}).items() if v is not None},
                )
                for row in rows
            ]

"""A walk out from some nodes, a hop at a time (`GraphStore.expand`): one plain expansion per
label of the frontier, capped by rows.

A walk told which node properties to read (a drawing reads a node's label) returns them, and
each relationship's properties other than provenance, as lists of values by name: a map or
an entity costs the FalkorDB client a parse per key as well as per value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.cypher.params import Row
from graph.cypher.session import CypherSession
from graph.errors import InvalidInputError
from graph.model import EdgeType, Label
from graph.records import (
    EdgeRecord,
    Neighbour,
    NodeRecord,
    NodeRef,
    Subgraph,
    ids_by_label,
    visible_props,
)
from graph.write_rows import edge_fields

EDGE_TIMES = ("created_at", "updated_at")


def _values(var: str, names: Sequence[str]) -> str:
    for name in names:
        if not name.isidentifier():
            raise InvalidInputError([f"fields: {name!r} is not a property name"])
    return "[" + ", ".join(f"{var}.{name}" for name in names) + "]"


class Walk:
    """One walk's reads: the relationship pattern and the properties it returns."""

    def __init__(
        self,
        session: CypherSession,
        pattern: str,
        types: Sequence[EdgeType],
        fields: tuple[str, ...] | None,
    ) -> None:
        self.session = session
        self.pattern = pattern
        self.fields = fields
        shown = sorted({name for t in (types or EdgeType) for name in edge_fields(EdgeType(t))})
        self.edge_names = (*EDGE_TIMES, *shown)
        self.props = "b" if fields is None else _values("b", fields)
        self.rel = "r" if fields is None else _values("r", self.edge_names)

    @staticmethod
    def _props(values: Any, names: Sequence[str] | None) -> dict[str, Any]:
        """A row's properties: a map or entity (`names` None), else values by name."""
        if names is None:
            return visible_props(dict(values))
        return {n: v for n, v in zip(names, values, strict=True) if v is not None}

    def _neighbour(self, label: Label, row: Row) -> Neighbour:
        origin = NodeRef(label, row["origin"])
        other = NodeRecord(Label(row["label"]), row["id"], self._props(row["props"], self.fields))
        source, target = (origin, other.ref) if row["outgoing"] else (other.ref, origin)
        rel = self._props(row["rel_props"], None if self.fields is None else self.edge_names)
        return Neighbour(origin, EdgeRecord(EdgeType(row["type"]), source, target, rel), other)

    def hop(self, frontier: Sequence[NodeRef], limit: int) -> tuple[list[Neighbour], bool]:
        """The relationships of the frontier's nodes and the nodes at their far ends, at most
        `limit` per label; True where the limit cut one short."""
        found: list[Neighbour] = []
        cut = False
        for label, ids in ids_by_label(frontier).items():
            query = self.session.q(
                "expand_hop", LABEL=label.value, PATTERN=self.pattern, PROPS=self.props,
                REL=self.rel,
            )  # fmt: skip
            rows = self.session.read(query, {"ids": ids, "limit": limit})
            cut = cut or len(rows) >= limit
            found.extend(self._neighbour(label, row) for row in rows)
        return found, cut

    def run(self, seeds: dict[NodeRef, NodeRecord], hops: int, max_nodes: int) -> Subgraph:
        graph = Subgraph(nodes=dict(seeds))
        seen_edges: set[tuple[EdgeType, NodeRef, NodeRef]] = set()
        frontier = list(graph.nodes)
        for _ in range(hops):
            if not frontier:
                break
            next_frontier: list[NodeRef] = []
            # Rows come back once per relationship, also those to nodes already reached.
            around, cut = self.hop(frontier, 2 * max_nodes)
            graph.truncated |= cut
            for item in around:
                ref = item.node.ref
                if ref not in graph.nodes:
                    if len(graph.nodes) >= max_nodes:
                        graph.truncated = True
                        continue
                    graph.nodes[ref] = item.node
                    next_frontier.append(ref)
                key = (item.edge.type, item.edge.source, item.edge.target)
                if key not in seen_edges:
                    seen_edges.add(key)
                    graph.edges.append(item.edge)
            frontier = next_frontier
        return graph

"""A walk out from some nodes, a hop at a time (`GraphStore.expand`): each hop one plain
expansion, capped by rows (the first one per label of the seeds); after the first, the nodes
reached are found again by their ids inside the engine, whatever their labels.

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
BEHIND_MAX = 200  # a longer list would cost the engine more to test each row against
# By stored name: a dictionary lookup, where calling the enumeration costs more per row.
LABELS = {label.value: label for label in Label}
EDGE_TYPES = {edge_type.value: edge_type for edge_type in EdgeType}


def _values(var: str, names: Sequence[str]) -> str:
    for name in names:
        if not name.isidentifier():
            raise InvalidInputError([f"fields: {name!r} is not a property name"])
    return "[" + ", ".join(f"{var}.{name}" for name in names) + "]"


def _relationship_values(names: dict[EdgeType, tuple[str, ...]]) -> str:
    """The values of `r` by name, the names depending on its type."""
    cases = " ".join(
        f"WHEN '{t.value}' THEN {_values('r', own[len(EDGE_TIMES) :])}"
        for t, own in names.items()
        if len(own) > len(EDGE_TIMES)
    )
    times = _values("r", EDGE_TIMES)
    return f"{times} + CASE type(r) {cases} ELSE [] END" if cases else times


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
        # Each relationship's times, then the properties of its type.
        self.edge_names = {t: (*EDGE_TIMES, *edge_fields(t)) for t in types or EdgeType}
        self.props = "b" if fields is None else _values("b", fields)
        self.rel = "r" if fields is None else _relationship_values(self.edge_names)

    @staticmethod
    def _props(values: Any, names: Sequence[str] | None) -> dict[str, Any]:
        """A row's properties: a map or entity (`names` None), else values by name."""
        if names is None:
            return visible_props(dict(values))
        return {n: v for n, v in zip(names, values, strict=True) if v is not None}

    def _neighbour(self, row: Row) -> Neighbour:
        origin = NodeRef(LABELS[row["origin_label"]], row["origin"])
        other = NodeRecord(LABELS[row["label"]], row["id"], self._props(row["props"], self.fields))
        source, target = (origin, other.ref) if row["outgoing"] else (other.ref, origin)
        edge_type = EDGE_TYPES[row["type"]]
        names = None if self.fields is None else self.edge_names[edge_type]
        rel = self._props(row["rel_props"], names)
        return Neighbour(origin, EdgeRecord(edge_type, source, target, rel), other)

    def _read(
        self, name: str, params: dict[str, Any], limit: int, **slots: str
    ) -> tuple[list[Row], bool]:
        internal = self.session.internal_id
        query = self.session.q(
            name, PATTERN=self.pattern, PROPS=self.props, REL=self.rel,
            INTERNAL=internal.format(var="b"), ORIGIN=internal.format(var="a"), **slots,
        )  # fmt: skip
        rows = self.session.read(query, {**params, "limit": limit})
        return rows, len(rows) >= limit

    def first_hop(self, seeds: Sequence[NodeRef], limit: int) -> tuple[list[Row], bool]:
        """The seeds' relationships and the nodes at their far ends (one query per label of
        the seeds), at most `limit` rows each; True where the limit cut one short."""
        found: list[Row] = []
        cut = False
        for label, ids in ids_by_label(seeds).items():
            rows, short = self._read("expand_hop", {"ids": ids}, limit, LABEL=label.value)
            found.extend(rows)
            cut = cut or short
        return found, cut

    def next_hop(
        self, internal_ids: list[Any], behind: list[Any], limit: int
    ) -> tuple[list[Row], bool]:
        """The same from the nodes the last hop reached, in one query, less the relationships
        back to where that hop started (`behind`: it read them), where those are few."""
        seek = self.session.internal_id.format(var="a")
        params = {"ids": internal_ids, "behind": behind if len(behind) <= BEHIND_MAX else []}
        return self._read("expand_next", params, limit, SEEK=seek)

    def run(self, seeds: dict[NodeRef, NodeRecord], hops: int, max_nodes: int) -> Subgraph:
        graph = Subgraph(nodes=dict(seeds))
        seen_edges: set[tuple[EdgeType, NodeRef, NodeRef]] = set()
        frontier: list[Any] = []
        behind: list[Any] = []
        for hop in range(hops):
            if hop and not frontier:
                break
            # Rows come back once per relationship, also those to nodes already reached.
            limit = 2 * max_nodes
            if hop:
                rows, cut = self.next_hop(frontier, behind, limit)
                behind = frontier
            else:
                rows, cut = self.first_hop(list(seeds), limit)
                behind = list({row["origin_internal"] for row in rows})
            graph.truncated |= cut
            frontier = []
            for row in rows:
                item = self._neighbour(row)
                ref = item.node.ref
                if ref not in graph.nodes:
                    if len(graph.nodes) >= max_nodes:
                        graph.truncated = True
                        continue
                    graph.nodes[ref] = item.node
                    frontier.append(row["internal"])
                key = (item.edge.type, item.edge.source, item.edge.target)
                if key not in seen_edges:
                    seen_edges.add(key)
                    graph.edges.append(item.edge)
        return graph

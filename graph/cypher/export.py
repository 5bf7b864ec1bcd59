"""The whole graph read out in batches, for in-memory projections (`risk/`): each label's
nodes with the properties asked for, each relationship type's ends (as the engine's internal
node ids) with its properties. A batch comes back as columns, one list per value collected
on the engine (a reply of a few lists parses far faster than one of many rows).

Batches follow the engine's internal ids upward (each batch one read: `id(x) > last`, the
lowest `batch` of them, which the engines pick with a bounded heap rather than a full sort,
and the highest of them to go on from), so a graph of millions never sits in one reply."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from graph.cypher.session import CypherSession
from graph.errors import GraphError
from graph.model import EdgeType, Label
from graph.model.edges import EDGE_SPECS
from graph.records import EdgeColumns, NodeColumns
from graph.write_rows import chunks


def _values(names: Sequence[str]) -> str:
    """The collected list of each row's values of `names` (a list per row keeps nulls)."""
    for name in names:
        if not name.isidentifier():
            raise ValueError(f"{name!r} is not a property name")
    listed = ", ".join(f"x.{name}" for name in names)
    return f", collect([{listed}]) AS vals" if names else ""


def _columns(rows: list[list[Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


class Export:
    def __init__(self, session: CypherSession, batch: int = 100_000) -> None:
        self.session = session
        self.batch = batch

    def _batches(self, match: str, collected: str) -> Iterator[dict[str, Any]]:
        last = -1
        while True:
            [reply] = self.session.read(
                f"{match} WHERE id(x) > $last WITH x, a, b ORDER BY id(x) LIMIT $batch "
                f"RETURN count(x) AS count, max(id(x)) AS last{collected}",
                {"last": last, "batch": self.batch},
            )
            count = int(reply["count"])
            if count == 0:
                return
            if int(reply["last"]) <= last or count > self.batch:
                raise GraphError("export: a batch did not follow the one before it")
            last = int(reply["last"])
            yield reply
            if count < self.batch:
                return

    def _population(self, labels: Iterable[Label]) -> int:
        """How many nodes the labels have (a count both engines keep per label)."""
        total = 0
        for label in labels:
            [row] = self.session.read(f"MATCH (n:{label.value}) RETURN count(n) AS n")
            total += int(row["n"])
        return total

    def export_nodes(self, label: Label, fields: Sequence[str]) -> Iterator[NodeColumns]:
        """Every node of `label`: its internal id, its id and the `fields` it holds."""
        match = f"MATCH (x:{label.value}) WITH x, null AS a, null AS b"
        collected = f", collect(id(x)) AS keys, collect(x.id) AS ids{_values(fields)}"
        for reply in self._batches(match, collected):
            yield NodeColumns(
                keys=list(reply["keys"]),
                ids=list(reply["ids"]),
                values=_columns(reply.get("vals") or [], fields),
            )

    def export_values(self, label: Label, ids: Sequence[str], fields: Sequence[str]) -> NodeColumns:
        """The nodes of `label` with these ids that exist, as `export_nodes` gives them."""
        found = NodeColumns(keys=[], ids=[], values={name: [] for name in fields})
        query = (
            f"UNWIND $ids AS key MATCH (x:{label.value} {{id: key}}) "
            f"RETURN collect(id(x)) AS keys, collect(x.id) AS ids{_values(fields)}"
        )
        for chunk in chunks(ids, self.batch):
            [reply] = self.session.read(query, {"ids": list(chunk)})
            found.keys.extend(reply["keys"])
            found.ids.extend(reply["ids"])
            for name, values in _columns(reply.get("vals") or [], fields).items():
                found.values[name].extend(values)
        return found

    def export_edges(
        self, edge_type: EdgeType, fields: Sequence[str] = ()
    ) -> Iterator[EdgeColumns]:
        """Every relationship of `edge_type`: its ends' internal ids and the `fields` it
        holds."""
        collected = f", collect(id(a)) AS sources, collect(id(b)) AS targets{_values(fields)}"
        spec = EDGE_SPECS[EdgeType(edge_type)]
        name = EdgeType(edge_type).value
        # Anchored at each label of its smaller end: an unlabelled end would scan every node
        # of the graph, a populous one (residents) every node of that label.
        if self._population(spec.targets) < self._population(spec.sources):
            matches = [f"MATCH (a)-[x:{name}]->(b:{t.value})" for t in sorted(spec.targets)]
        else:
            matches = [f"MATCH (a:{s.value})-[x:{name}]->(b)" for s in sorted(spec.sources)]
        for match in matches:
            for reply in self._batches(match, collected):
                yield EdgeColumns(
                    sources=list(reply["sources"]),
                    targets=list(reply["targets"]),
                    values=_columns(reply.get("vals") or [], fields),
                )

"""Making a projection: nodes and relationships collected (a column batch at a time from the
store's export, or one by one), then turned into arrays and sparse matrices at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from graph.model import EdgeType, Label
from risk.attributes import attribute_columns, edge_weight, node_attributes
from risk.projection import ATTRIBUTE, LABEL_CODE, NUMERIC, Ints, Projection, compact

Pairs = tuple[list[Ints], list[Ints], list[Any]]  # sources, targets, weights, in chunks


@dataclass
class ProjectionBuilder:
    """Collects nodes and relationships, then makes the arrays at once. Relationships come
    either between nodes already added (by global id) or by the engine's internal ids of
    their ends (`keys`), resolved when the projection is built."""

    today: str  # ISO date that ages are counted on
    ids: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    keys: list[int] = field(default_factory=list)  # each node's internal id (-1: none given)
    labels: list[int] = field(default_factory=list)
    values: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in NUMERIC})
    pairs: dict[EdgeType, Pairs] = field(default_factory=dict)
    keyed: dict[EdgeType, Pairs] = field(default_factory=dict)

    def add_node(self, label: Label, node_id: str, props: Mapping[str, Any]) -> int:
        """Add (or, given again, keep) a node with its properties as the store holds them."""
        global_id = f"{label.value}:{node_id}"
        if global_id in self.index:
            return self.index[global_id]
        at = len(self.ids)
        self.ids.append(global_id)
        self.index[global_id] = at
        self.keys.append(-1)
        self.labels.append(LABEL_CODE[label])
        for name, value in node_attributes(props, self.today).items():
            self.values[name].append(value)
        return at

    def add_nodes(
        self,
        label: Label,
        keys: Sequence[int],
        ids: Sequence[str],
        columns: Mapping[str, Sequence[Any]],
    ) -> None:
        """Add a batch of one label's nodes (ids unique in the store), properties as columns."""
        start, count = len(self.ids), len(ids)
        prefix = f"{label.value}:"
        added = [prefix + node_id for node_id in ids]
        self.ids.extend(added)
        self.index.update(zip(added, range(start, start + count), strict=True))
        self.keys.extend(keys)
        self.labels.extend([LABEL_CODE[label]] * count)
        for name, values in attribute_columns(columns, count, self.today).items():
            self.values[name].extend(values)

    def add_edge(self, edge_type: EdgeType, source: str, target: str, weight: float = 1.0) -> bool:
        """Add a relationship between two added nodes (global ids); False if an end is not."""
        a, b = self.index.get(source), self.index.get(target)
        if a is None or b is None:
            return False
        rows, cols, data = self.pairs.setdefault(EdgeType(edge_type), ([], [], []))
        rows.append(np.asarray([a]))
        cols.append(np.asarray([b]))
        data.append([weight])
        return True

    def add_edges(
        self,
        edge_type: EdgeType,
        sources: Sequence[int],
        targets: Sequence[int],
        props: Mapping[str, Sequence[Any]],
    ) -> None:
        """Add a batch of relationships by their ends' internal ids."""
        distances = props.get("distance_m")
        weights = (
            [edge_weight({"distance_m": d}) for d in distances]
            if distances is not None
            else np.ones(len(sources))
        )
        rows, cols, data = self.keyed.setdefault(EdgeType(edge_type), ([], [], []))
        rows.append(np.asarray(sources, dtype=np.int64))
        cols.append(np.asarray(targets, dtype=np.int64))
        data.append(weights)

    def _resolved(self) -> dict[EdgeType, tuple[Ints, Ints, Any]]:
        """Every relationship as index pairs; one with an end not added is left out."""
        keys = np.asarray(self.keys, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        found: dict[EdgeType, tuple[Ints, Ints, Any]] = {}
        for edge_type in set(self.pairs) | set(self.keyed):
            rows, cols, data = self.pairs.get(edge_type, ([], [], []))
            a = [np.concatenate(rows)] if rows else []
            b = [np.concatenate(cols)] if cols else []
            w = [np.concatenate([np.asarray(d, dtype=np.float64) for d in data])] if data else []
            krows, kcols, kdata = self.keyed.get(edge_type, ([], [], []))
            if krows and len(ordered):
                src, dst = np.concatenate(krows), np.concatenate(kcols)
                at_src = np.searchsorted(ordered, src).clip(max=len(ordered) - 1)
                at_dst = np.searchsorted(ordered, dst).clip(max=len(ordered) - 1)
                known = (ordered[at_src] == src) & (ordered[at_dst] == dst) & (src >= 0)
                a.append(order[at_src[known]])
                b.append(order[at_dst[known]])
                weights = np.concatenate([np.asarray(d, dtype=np.float64) for d in kdata])
                w.append(weights[known])
            if a:
                found[edge_type] = (np.concatenate(a), np.concatenate(b), np.concatenate(w))
        return found

    def build(self, seq: int = 0) -> Projection:
        n = len(self.ids)
        edges = {}
        for edge_type, (rows, cols, data) in self._resolved().items():
            matrix = sp.csr_array((data, (rows, cols)), shape=(n, n))
            matrix.sum_duplicates()
            edges[edge_type] = compact(matrix)
        return Projection(
            ids=self.ids,
            index=self.index,
            label=np.asarray(self.labels, dtype=np.int8),
            edges=edges,
            attrs={k: np.asarray(v, dtype=ATTRIBUTE) for k, v in self.values.items()},
            seq=seq,
            today=self.today,
        )

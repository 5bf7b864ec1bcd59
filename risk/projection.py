"""A compact in-memory projection of the graph for the risk models: every node an integer
index, one sparse adjacency matrix (source × target) per relationship type, and the node
attributes the models read as arrays (NaN where a node has no value). Built from rows of nodes
and relationships (`ProjectionBuilder`), whatever reads them from the store."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graph.model import EdgeType, Label
from graph.model.enums import DeviceKind, DeviceStatus, KeyPopulationTag

T = TypeVar("T")
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

LABELS = tuple(Label)
LABEL_CODE = {label: code for code, label in enumerate(LABELS)}
TAGS = tuple(KeyPopulationTag)
TAG_BIT = {tag.value: 1 << bit for bit, tag in enumerate(TAGS)}
DEVICE_KINDS = tuple(DeviceKind)
KIND_CODE = {kind.value: code for code, kind in enumerate(DEVICE_KINDS)}
DOWN_STATUSES = frozenset({DeviceStatus.FAULT.value, DeviceStatus.DECOMMISSIONED.value})
GONE = -1  # the label code of a node deleted since the projection was built (a tombstone)
# The node attributes kept, each a float array (NaN: none): what the models read.
NUMERIC = ("age", "floor", "floors", "has_elevator", "lat", "lon", "kind", "down", "tags")


@dataclass
class Projection:
    """The graph as arrays. `seq`: the last change event it reflects; `today`: the date ages
    are counted on. `ids` and `index` may be shared with the projection's later versions
    (`risk.patch`), which append to them: look ids up with `find`."""

    ids: list[str]  # the global id (`Label:id`) of each index
    index: dict[str, int]
    label: npt.NDArray[np.int8]
    edges: dict[EdgeType, sp.csr_array]  # [source, target] = weight (1, or metres apart)
    attrs: dict[str, Floats]
    seq: int = 0
    today: str = ""
    # What models derive from the projection alone (walk matrix, transmission steps, weights):
    # made on first use, kept while the projection lives (a changed graph is a new projection).
    derived: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def derive(self, key: Hashable, make: Callable[[], T]) -> T:
        """What `make` returns, made once for this projection under `key`."""
        if key not in self.derived:
            self.derived[key] = make()
        return cast(T, self.derived[key])

    @property
    def size(self) -> int:
        return len(self.label)

    def find(self, global_id: str) -> int | None:
        """The index of a node of this projection (None: not in it, or deleted since)."""
        at = self.index.get(global_id)
        return at if at is not None and at < self.size else None

    def of_label(self, label: Label) -> Bools:
        return self.label == LABEL_CODE[label]

    def kind_is(self, kinds: Iterable[DeviceKind]) -> Bools:
        codes = [KIND_CODE[k.value] for k in kinds]
        return np.isin(self.attrs["kind"], codes)

    def has_tag(self, tag: KeyPopulationTag) -> Bools:
        tags = np.nan_to_num(self.attrs["tags"]).astype(np.int64)
        return (tags & TAG_BIT[tag.value]) != 0

    def matrix(self, edge_type: EdgeType) -> sp.csr_array:
        """The adjacency of one relationship type (an empty one if none is projected)."""
        found = self.edges.get(edge_type)
        if found is None:
            return sp.csr_array((self.size, self.size), dtype=np.float64)
        return found

    def nbytes(self) -> int:
        """Memory held by the arrays (not the id strings)."""
        arrays = sum(a.nbytes for a in self.attrs.values()) + self.label.nbytes
        matrices = sum(
            m.data.nbytes + m.indices.nbytes + m.indptr.nbytes for m in self.edges.values()
        )
        return int(arrays + matrices)


def _age(birth: str | None, today: str) -> float:
    if not birth:
        return np.nan
    years = int(today[:4]) - int(birth[:4])
    return float(years - (1 if today[5:10] < birth[5:10] else 0))


@dataclass
class ProjectionBuilder:
    """Collects nodes and relationships, then makes the arrays at once."""

    today: str  # ISO date that ages are counted on
    ids: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    labels: list[int] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in NUMERIC})
    pairs: dict[EdgeType, tuple[list[int], list[int], list[float]]] = field(default_factory=dict)

    def add_node(self, label: Label, node_id: str, props: Mapping[str, Any]) -> int:
        """Add (or, given again, keep) a node with its properties as the store holds them."""
        global_id = f"{label.value}:{node_id}"
        if global_id in self.index:
            return self.index[global_id]
        at = len(self.ids)
        self.ids.append(global_id)
        self.index[global_id] = at
        self.labels.append(LABEL_CODE[label])
        for name, value in node_attributes(props, self.today).items():
            self.values[name].append(value)
        return at

    def add_edge(self, edge_type: EdgeType, source: str, target: str, weight: float = 1.0) -> bool:
        """Add a relationship between two added nodes (global ids); False if an end is not."""
        a, b = self.index.get(source), self.index.get(target)
        if a is None or b is None:
            return False
        rows, cols, data = self.pairs.setdefault(EdgeType(edge_type), ([], [], []))
        rows.append(a)
        cols.append(b)
        data.append(weight)
        return True

    def build(self, seq: int = 0) -> Projection:
        n = len(self.ids)
        edges = {
            edge_type: sp.csr_array(
                (np.asarray(data, dtype=np.float64), (np.asarray(rows), np.asarray(cols))),
                shape=(n, n),
            )
            for edge_type, (rows, cols, data) in self.pairs.items()
        }
        for matrix in edges.values():
            matrix.sum_duplicates()
        return Projection(
            ids=self.ids,
            index=self.index,
            label=np.asarray(self.labels, dtype=np.int8),
            edges=edges,
            attrs={k: np.asarray(v, dtype=np.float64) for k, v in self.values.items()},
            seq=seq,
            today=self.today,
        )


def edge_weight(props: Mapping[str, Any]) -> float:
    """A relationship's weight in its matrix: metres apart where it has them, else 1."""
    distance = props.get("distance_m")
    return float(distance) if isinstance(distance, int | float) else 1.0


def node_attributes(props: Mapping[str, Any], today: str) -> dict[str, float]:
    """The numeric attributes of one node's stored properties (NaN where it has none)."""

    def number(name: str) -> float:
        value = props.get(name)
        return float(value) if isinstance(value, int | float) else np.nan

    kind = props.get("kind")
    status = props.get("status")
    tags = props.get("tags") or []
    elevator = props.get("has_elevator")
    return {
        "age": _age(props.get("birth_date"), today),
        "floor": number("floor"),
        "floors": number("floors"),
        "has_elevator": np.nan if elevator is None else float(bool(elevator)),
        "lat": number("lat"),
        "lon": number("lon"),
        "kind": float(KIND_CODE[kind]) if kind in KIND_CODE else np.nan,
        "down": float(status in DOWN_STATUSES) if status is not None else np.nan,
        "tags": float(sum(TAG_BIT.get(t, 0) for t in tags)) if tags else np.nan,
    }

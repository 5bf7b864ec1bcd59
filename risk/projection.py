"""A compact in-memory projection of the graph for the risk models: every node an integer
index, one sparse adjacency matrix (source × target) per relationship type, and the node
attributes the models read as arrays (NaN where a node has no value). Built from rows of nodes
and relationships (`ProjectionBuilder`), whatever reads them from the store."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graph.model import EdgeType, Label
from graph.model.enums import DeviceKind, DeviceStatus, KeyPopulationTag

T = TypeVar("T")
Floats = npt.NDArray[np.floating[Any]]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

LABELS = tuple(Label)
LABEL_CODE = {label: code for code, label in enumerate(LABELS)}
TAGS = tuple(KeyPopulationTag)
TAG_BIT = {tag.value: 1 << bit for bit, tag in enumerate(TAGS)}
DEVICE_KINDS = tuple(DeviceKind)
KIND_CODE = {kind.value: code for code, kind in enumerate(DEVICE_KINDS)}
DOWN_STATUSES = frozenset({DeviceStatus.FAULT.value, DeviceStatus.DECOMMISSIONED.value})
ATTRIBUTE = np.float32  # the dtype of node attributes: ages, floors, codes, bits, degrees
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


def compact(matrix: sp.csr_array) -> sp.csr_array:
    """`matrix` with 32-bit index arrays where its size allows (half the memory of 64)."""
    limit = np.iinfo(np.int32).max
    if max(matrix.shape[0], matrix.nnz) >= limit or matrix.indices.dtype == np.int32:
        return matrix
    return sp.csr_array(
        (matrix.data, matrix.indices.astype(np.int32), matrix.indptr.astype(np.int32)),
        shape=matrix.shape,
    )

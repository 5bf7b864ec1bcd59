"""A projection with some nodes and relationships changed, made without rebuilding it: new
nodes are appended, changed ones get their attributes again, deleted ones become tombstones
(no label, no attributes, no relationships; a full rebuild drops them), and each adjacency
matrix that changed is rewritten in a few vectorised passes over its arrays. The projection
given is left as it was (an assessment may still be reading it); the arrays that did not
change are shared."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from graph.model import EdgeType, Label
from risk.attributes import edge_weight, node_attributes
from risk.projection import (
    GONE,
    LABEL_CODE,
    NUMERIC,
    Bools,
    Ints,
    Projection,
    compact,
)


@dataclass
class Patch:
    """What changed, as the store holds it now: nodes with their properties (None: deleted)
    and relationships with theirs (None: removed), by global id. `detached`: nodes deleted
    at some point (their relationships went with them, whether or not they exist again)."""

    nodes: dict[str, tuple[Label, Mapping[str, Any] | None]] = field(default_factory=dict)
    detached: set[str] = field(default_factory=set)
    edges: dict[tuple[EdgeType, str, str], Mapping[str, Any] | None] = field(default_factory=dict)


def patched(p: Projection, patch: Patch, seq: int) -> Projection:
    """`p` with `patch` applied, stamped with `seq` (`p` must be the newest projection: its
    successors share its id list)."""
    size = p.size
    if len(p.ids) != size:
        raise ValueError("only the newest projection can be patched")
    labels = p.label
    attrs = p.attrs
    appended: list[tuple[str, Label, Mapping[str, Any]]] = []
    changed: list[tuple[int, Mapping[str, Any] | None]] = []
    for global_id, (label, props) in patch.nodes.items():
        at = p.find(global_id)
        if at is None:
            if props is not None:
                appended.append((global_id, label, props))
        else:
            changed.append((at, props))
    if appended or changed:
        # New arrays (the old projection keeps its own), the appended nodes at their end.
        codes = np.asarray([LABEL_CODE[label] for _, label, _ in appended], dtype=np.int8)
        labels = np.concatenate([labels, codes])
        rows = [node_attributes(props, p.today) for _, _, props in appended]
        attrs = {
            name: np.concatenate([values, np.asarray([row[name] for row in rows], values.dtype)])
            for name, values in attrs.items()
        }
    deleted: list[int] = []
    if changed:
        where = np.asarray([i for i, _ in changed], dtype=np.int64)
        fresh = [node_attributes(props or {}, p.today) for _, props in changed]
        for name in NUMERIC:
            attrs[name][where] = [row[name] for row in fresh]
        deleted = [i for i, props in changed if props is None]
        labels[deleted] = GONE
    added = {global_id: size + k for k, (global_id, _, _) in enumerate(appended)}
    removed = {p.ids[i] for i in deleted}

    def locate(global_id: str) -> int | None:
        if global_id in removed:
            return None
        return added.get(global_id, p.find(global_id))

    detached = [i for i, _ in changed if p.ids[i] in patch.detached or labels[i] == GONE]
    edges = _patched_edges(p, patch, locate, size + len(appended), detached)
    # Last, once nothing can fail: `ids` and `index` are shared with `p`, which never looks
    # past its own size.
    for global_id in removed:
        del p.index[global_id]
    for global_id, at in added.items():
        p.index[global_id] = at
        p.ids.append(global_id)
    return Projection(p.ids, p.index, labels, edges, attrs, seq=seq, today=p.today)


def _patched_edges(
    p: Projection,
    patch: Patch,
    locate: Callable[[str], int | None],
    size: int,
    gone: list[int],
) -> dict[EdgeType, sp.csr_array]:
    by_type: dict[EdgeType, list[tuple[int, int, float | None]]] = {}
    for (edge_type, source, target), props in patch.edges.items():
        a, b = locate(source), locate(target)
        if a is None or b is None:  # an end deleted since: its tombstone drops the rest
            continue
        weight = None if props is None else edge_weight(props)
        by_type.setdefault(edge_type, []).append((a, b, weight))
    dropped = np.zeros(size, dtype=bool)
    dropped[gone] = True
    edges = {}
    for edge_type in set(p.edges) | set(by_type):
        edges[edge_type] = _patched_matrix(
            p.matrix(edge_type), size, dropped if len(gone) else None, by_type.get(edge_type, [])
        )
    return edges


def _positions(indptr: Ints, rows: Ints) -> Ints:
    """The positions in a CSR matrix's arrays of every entry of `rows`."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    total = int(lengths.sum())
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def _patched_matrix(
    matrix: sp.csr_array,
    size: int,
    dropped: Bools | None,
    changes: list[tuple[int, int, float | None]],
) -> sp.csr_array:
    """`matrix` grown to `size`, without the rows and columns of `dropped` nodes, with each
    change's pair removed (weight None) or set to its weight."""
    old = matrix.shape[0]
    indptr = np.asarray(matrix.indptr, dtype=np.int64)
    if dropped is None and not changes:
        if size == old:
            return matrix
        grown = np.concatenate([indptr, np.full(size - old, indptr[-1])])
        return compact(sp.csr_array((matrix.data, matrix.indices, grown), shape=(size, size)))
    counts = np.zeros(size, dtype=np.int64)
    counts[:old] = np.diff(indptr)
    keep = np.ones(len(matrix.indices), dtype=bool)
    if dropped is not None:
        keep &= ~dropped[:old][matrix.indices]
        rows = np.flatnonzero(dropped[:old])
        keep[_positions(indptr, rows)] = False
    pairs = np.asarray([(a, b) for a, b, _ in changes], dtype=np.int64).reshape(-1, 2)
    touched = np.unique(pairs[:, 0][pairs[:, 0] < old])
    if len(touched):
        # Every entry of a touched row whose pair a change names goes; set pairs come back.
        where = _positions(indptr, touched)
        row_of = np.repeat(touched, indptr[touched + 1] - indptr[touched])
        named = pairs[:, 0] * size + pairs[:, 1]
        keep[where[np.isin(row_of * size + matrix.indices[where], named)]] = False
    lost = np.flatnonzero(~keep)
    counts[:old] -= np.bincount(np.searchsorted(indptr, lost, side="right") - 1, minlength=old)
    indices = matrix.indices[keep]
    data = matrix.data[keep]
    added = [(a, b, w) for a, b, w in changes if w is not None]
    if added:
        order = sorted(added)
        add_rows = np.asarray([a for a, _, _ in order], dtype=np.int64)
        kept_ptr = np.concatenate([[0], np.cumsum(counts)])
        indices = np.insert(indices, kept_ptr[add_rows + 1], [b for _, b, _ in order])
        data = np.insert(data, kept_ptr[add_rows + 1], [w for _, _, w in order])
        counts += np.bincount(add_rows, minlength=size)
    new_ptr = np.concatenate([[0], np.cumsum(counts)])
    return compact(sp.csr_array((data, indices, new_ptr), shape=(size, size)))

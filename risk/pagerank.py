"""Personalised PageRank (random walk with restart) over the projection, seeded by the
severities of the sources: "what is most exposed overall". The relationships are walked both
ways, weighted by the transmission of their type; the iteration is networkx's (`pagerank`
with `personalization`, dangling nodes restarting at the seeds), on sparse matrices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from graph.model import EdgeType
from risk.projection import Floats, Ints, Projection


def walk_matrix(p: Projection, weights: Mapping[EdgeType, float]) -> sp.csr_array:
    """The undirected, weighted adjacency the walk follows: each relationship type's matrix
    and its transpose, times the type's weight."""
    total = sp.csr_array((p.size, p.size), dtype=np.float64)
    for edge_type, weight in weights.items():
        if weight <= 0:
            continue
        matrix = p.matrix(edge_type)
        binary = sp.csr_array(
            (np.ones_like(matrix.data), matrix.indices, matrix.indptr), matrix.shape
        )
        total = total + weight * (binary + binary.T)
    return sp.csr_array(total)


@dataclass(frozen=True)
class Walk:
    """A walk's transition matrix (column-stochastic where a node has somewhere to go) and
    the nodes it cannot leave; made once per adjacency."""

    transition: sp.csr_array
    dangling: Ints  # the nodes with no way out

    @classmethod
    def of(cls, adjacency: sp.csr_array) -> Walk:
        n = adjacency.shape[0]
        out_weight = np.asarray(adjacency.sum(axis=1)).ravel()
        inverse = np.divide(1.0, out_weight, out=np.zeros(n), where=out_weight != 0)
        transition = sp.csr_array(sp.diags_array(inverse) @ adjacency).T.tocsr()
        return cls(transition, np.flatnonzero(out_weight == 0))


def personalised_pagerank(
    adjacency: sp.csr_array | Walk,
    seeds: Floats,
    alpha: float = 0.85,
    tol: float = 1e-10,
    max_iter: int = 200,
) -> Floats:
    """The stationary distribution of a walk that follows `adjacency` (row → column, by
    weight) with probability `alpha` and restarts at `seeds` (normalised) otherwise. It stops
    once an iteration moves the distribution by less than `tol` per node (L1)."""
    walk = adjacency if isinstance(adjacency, Walk) else Walk.of(adjacency)
    n = walk.transition.shape[0]
    restart = seeds / seeds.sum()
    x = restart.copy()  # where the walk starts changes only how soon it settles
    for _ in range(max_iter):
        last = x
        stuck = last[walk.dangling].sum()  # the weight on nodes it cannot leave restarts
        x = alpha * (walk.transition @ last + stuck * restart) + (1 - alpha) * restart
        last -= x
        if np.abs(last, out=last).sum() < n * tol:
            break
    return x

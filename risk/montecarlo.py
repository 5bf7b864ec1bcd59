"""Monte Carlo independent cascade: in each of many samples, every node the hazard reaches
tries once to pass it on along each step, succeeding with that step's transmission. A node's
probability is the share of samples it is reached in, with a 95 % Wilson interval. All
samples advance together: one boolean column per sample, one draw per live edge and sample."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from risk.projection import Bools, Floats, Projection
from risk.spread import Step

Z95 = 1.959963984540054


@dataclass
class Simulated:
    probability: Floats
    low: Floats  # 95 % Wilson interval
    high: Floats
    samples: int


def wilson(hits: Floats, n: int) -> tuple[Floats, Floats]:
    """The 95 % Wilson score interval of `hits` successes out of `n`."""
    share = hits / n
    centre = (share + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * np.sqrt(share * (1 - share) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    low = np.where(hits == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(hits == n, 1.0, np.clip(centre + half, 0, 1))
    return low, high


def _within_reach(steps: list[Step], seeds: Bools, max_hops: int) -> Bools:
    """The nodes any cascade from `seeds` can reach within `max_hops` (every draw passing)."""
    reach = seeds.copy()
    frontier = seeds.astype(np.float64)
    for _ in range(max_hops):
        reached = np.zeros(len(seeds), dtype=bool)
        for _, _, matrix in steps:
            reached |= (matrix.T @ frontier) > 0
        new = reached & ~reach
        if not new.any():
            break
        reach |= new
        frontier = new.astype(np.float64)
    return reach


def independent_cascade(
    p: Projection,
    steps: list[Step],
    seeds: Bools,
    samples: int = 1000,
    max_hops: int = 4,
    seed: int = 0,
) -> Simulated:
    """Reach probabilities from `seeds` over `samples` independent cascades. The samples run
    over the part of the graph the hazard can reach at all, a boolean column each."""
    rng = np.random.default_rng(seed)
    reach = _within_reach(steps, seeds, max_hops)
    kept = np.flatnonzero(reach)
    local = np.full(p.size, -1, dtype=np.int64)
    local[kept] = np.arange(len(kept))
    edges = []
    for _, _, matrix in steps:
        coo = sp.coo_array(matrix)
        keep = (coo.data > 0) & reach[coo.row] & reach[coo.col]
        edges.append((local[coo.row[keep]], local[coo.col[keep]], coo.data[keep]))
    active: npt.NDArray[np.bool_] = np.repeat(seeds[kept][:, None], samples, axis=1)
    frontier = active.copy()
    for _ in range(max_hops):
        reached = np.zeros_like(active)
        live_rows: Bools = np.asarray(frontier.any(axis=1))
        for source, target, weight in edges:
            live = live_rows[source]
            if not live.any():
                continue
            u, v, w = source[live], target[live], weight[live]
            passed = frontier[u] & (rng.random((len(u), samples)) < w[:, None])
            np.logical_or.at(reached, v, passed)
        frontier = reached & ~active
        if not frontier.any():
            break
        active |= frontier
    hits = np.zeros(p.size)
    hits[kept] = active.sum(axis=1)
    low, high = wilson(hits, samples)
    return Simulated(hits / samples, low, high, samples)

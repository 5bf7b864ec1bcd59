"""Monte Carlo independent cascade on a chain and a diamond whose reach probabilities are
known exactly: each estimate's 95 % interval holds the exact value, and more samples narrow
it."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from graph.model import EdgeType, Label
from risk.builder import ProjectionBuilder
from risk.montecarlo import independent_cascade


def test_estimates_hold_the_exact_probabilities() -> None:
    builder = ProjectionBuilder(today="2026-12-01")
    for key in "ABCD":
        builder.add_node(Label.BUILDING, key, {})
    p = builder.build()
    a, b, c, d = (p.index[f"Building:{k}"] for k in "ABCD")
    # A → B (0.5), A → C (0.4), B → D (0.5), C → D (0.5): D is reached with
    # 1 - (1 - 0.25)(1 - 0.2) = 0.4 (the two routes share nothing but A).
    rows, cols, weights = [a, a, b, c], [b, c, d, d], [0.5, 0.4, 0.5, 0.5]
    matrix = sp.csr_array((weights, (rows, cols)), shape=(p.size, p.size))
    seeds = np.zeros(p.size, dtype=bool)
    seeds[a] = True
    exact = {a: 1.0, b: 0.5, c: 0.4, d: 0.4}
    steps = [(EdgeType.ADJACENT_TO, False, matrix)]
    small = independent_cascade(p, steps, seeds, samples=2_000, max_hops=3, seed=1)
    large = independent_cascade(p, steps, seeds, samples=20_000, max_hops=3, seed=2)
    for node, value in exact.items():
        for run in (small, large):
            assert run.low[node] <= value <= run.high[node], (node, run.probability[node])
    assert (large.high[d] - large.low[d]) < (small.high[d] - small.low[d])
    cut = independent_cascade(p, steps, seeds, samples=2_000, max_hops=1, seed=3)
    assert cut.probability[d] == 0  # two steps away: beyond a one-hop cutoff

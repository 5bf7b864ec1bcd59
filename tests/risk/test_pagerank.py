"""Personalised PageRank against networkx's `pagerank(personalization=...)` on a generated
10,000-node graph."""

from __future__ import annotations

import networkx as nx
import numpy as np

from graph.model import EdgeType, Label
from risk.builder import ProjectionBuilder
from risk.pagerank import personalised_pagerank, walk_matrix


def test_it_equals_networkx_to_a_millionth() -> None:
    graph = nx.gnm_random_graph(10_000, 25_000, seed=7)
    graph.add_nodes_from(range(10_000, 10_050))  # some nodes with no relationship at all
    builder = ProjectionBuilder(today="2026-12-01")
    for node in graph.nodes:
        builder.add_node(Label.BUILDING, f"B{node}", {})
    for a, b in graph.edges:
        builder.add_edge(EdgeType.ADJACENT_TO, f"Building:B{a}", f"Building:B{b}", 12.0)
    p = builder.build()
    severities = {3: 4.0, 17: 1.0, 250: 2.0, 9_999: 3.0, 10_020: 1.0}
    seeds = np.zeros(p.size)
    for node, severity in severities.items():
        seeds[p.index[f"Building:B{node}"]] = severity
    ours = personalised_pagerank(walk_matrix(p, {EdgeType.ADJACENT_TO: 1.0}), seeds)
    theirs = nx.pagerank(graph, alpha=0.85, personalization=severities, tol=1e-12, max_iter=500)
    expected = np.array([theirs[int(i.split(":B")[1])] for i in p.ids])
    assert np.abs(ours - expected).max() < 1e-6
    assert abs(ours.sum() - 1) < 1e-9
    assert int(np.argmax(ours)) == p.index["Building:B3"]  # the heaviest seed leads

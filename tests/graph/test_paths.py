"""Paths for investigators against networkx on random graphs: the k shortest simple paths
have the lengths networkx's `shortest_simple_paths` gives, each is a real simple path, none
repeats, none is longer than allowed; common connections are exactly the nodes networkx finds
within reach of every seed."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from graph.model import EdgeType, Label
from graph.paths import Adjacency, common, k_shortest
from graph.records import EdgeRecord, NodeRecord, NodeRef, Subgraph


def _random(seed: int, size: int = 40, degree: float = 2.5) -> tuple[Subgraph, nx.Graph]:
    rng = random.Random(seed)
    refs = [NodeRef(Label.BUILDING, f"B{n}") for n in range(size)]
    sub = Subgraph(nodes={r: NodeRecord(r.label, r.id, {}) for r in refs})
    graph = nx.Graph()
    graph.add_nodes_from(refs)
    for a, b in itertools.combinations(refs, 2):
        if rng.random() < degree / size:
            sub.edges.append(EdgeRecord(EdgeType.ADJACENT_TO, a, b, {}))
            graph.add_edge(a, b)
    return sub, graph


@pytest.mark.parametrize("seed", range(12))
def test_k_shortest_paths_agree_with_networkx(seed: int) -> None:
    sub, graph = _random(seed)
    adjacency = Adjacency(sub)
    rng = random.Random(seed)
    a, b = rng.sample(sorted(graph.nodes, key=str), 2)
    routes = k_shortest(adjacency, a, b, 5, 6)
    expected = []
    if nx.has_path(graph, a, b):
        for path in itertools.islice(nx.shortest_simple_paths(graph, a, b), 5):
            if len(path) - 1 > 6:
                break
            expected.append(len(path) - 1)
    assert [len(r.edges) for r in routes] == expected
    assert len(set(routes)) == len(routes)
    for route in routes:
        assert route.nodes[0] == a and route.nodes[-1] == b
        assert len(set(route.nodes)) == len(route.nodes)  # simple
        for (x, y), edge in zip(itertools.pairwise(route.nodes), route.edges, strict=True):
            assert {edge.source, edge.target} == {x, y}


@pytest.mark.parametrize("seed", range(6))
def test_common_connections_agree_with_networkx(seed: int) -> None:
    sub, graph = _random(seed, size=30)
    rng = random.Random(seed)
    seeds = rng.sample(sorted(graph.nodes, key=str), 3)
    found = common(Adjacency(sub), seeds, 2)
    reach = [nx.single_source_shortest_path_length(graph, s, cutoff=2) for s in seeds]
    expected = set.intersection(*(set(r) for r in reach)) - set(seeds)
    assert {node for node, _ in found} == expected
    for node, routes in found:
        assert [len(r.edges) for r in routes] == [r[node] for r in reach]

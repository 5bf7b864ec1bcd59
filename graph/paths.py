"""Paths over a subgraph read from the store (`Traversal.expand`), for investigators: the k
shortest simple paths between two nodes (Yen's algorithm over breadth-first searches, every
relationship of length one, either direction), and the nodes reachable from every one of a set
of nodes with a shortest path from each."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.records import EdgeRecord, NodeRef, Subgraph

Step = tuple[NodeRef, EdgeRecord]  # the node reached and the relationship it was reached by
EdgeKey = tuple[str, NodeRef, NodeRef]


def edge_key(edge: EdgeRecord) -> EdgeKey:
    return (edge.type.value, edge.source, edge.target)


@dataclass(frozen=True)
class Route:
    """A path: its nodes in order and the relationships between them."""

    nodes: tuple[NodeRef, ...]
    edges: tuple[EdgeRecord, ...]

    def __hash__(self) -> int:
        return hash((self.nodes, tuple(edge_key(e) for e in self.edges)))


class Adjacency:
    """Each node's relationships, either direction, of the nodes a subgraph holds."""

    def __init__(self, sub: Subgraph) -> None:
        self.steps: dict[NodeRef, list[Step]] = defaultdict(list)
        for edge in sub.edges:
            if edge.source in sub.nodes and edge.target in sub.nodes:
                self.steps[edge.source].append((edge.target, edge))
                self.steps[edge.target].append((edge.source, edge))
        for steps in self.steps.values():
            steps.sort(key=lambda step: (str(step[0]), edge_key(step[1])))

    def shortest(
        self,
        a: NodeRef,
        b: NodeRef,
        most: int,
        banned_nodes: frozenset[NodeRef] = frozenset(),
        banned_edges: frozenset[EdgeKey] = frozenset(),
    ) -> Route | None:
        """A shortest route of at most `most` relationships avoiding the banned ones."""
        if a == b:
            return Route((a,), ())
        parent = self._search(a, most, banned_nodes, banned_edges, b)
        return _route(parent, b) if b in parent else None

    def distances(self, a: NodeRef, most: int) -> dict[NodeRef, Step | None]:
        """Every node within `most` relationships of `a`, with the step that reached it."""
        return self._search(a, most, frozenset(), frozenset(), None)

    def _search(
        self,
        a: NodeRef,
        most: int,
        banned_nodes: frozenset[NodeRef],
        banned_edges: frozenset[EdgeKey],
        goal: NodeRef | None,
    ) -> dict[NodeRef, Step | None]:
        """Breadth first from `a`: each node reached and the step it was reached by; stops
        when `goal` is reached."""
        parent: dict[NodeRef, Step | None] = {a: None}
        queue = deque([(a, 0)])
        while queue:
            node, depth = queue.popleft()
            if depth >= most:
                continue
            for other, edge in self.steps.get(node, ()):
                if other in parent or other in banned_nodes or edge_key(edge) in banned_edges:
                    continue
                parent[other] = (node, edge)
                if other == goal:
                    return parent
                queue.append((other, depth + 1))
        return parent


def _route(parent: dict[NodeRef, Step | None], end: NodeRef) -> Route:
    nodes, edges = [end], []
    step = parent[end]
    while step is not None:
        node, edge = step
        nodes.append(node)
        edges.append(edge)
        step = parent[node]
    return Route(tuple(reversed(nodes)), tuple(reversed(edges)))


def route_to(parent: dict[NodeRef, Step | None], end: NodeRef) -> Route:
    """The route `distances` found to `end`, from its start."""
    return _route(parent, end)


def k_shortest(adjacency: Adjacency, a: NodeRef, b: NodeRef, k: int, most: int) -> list[Route]:
    """Up to `k` shortest simple routes from `a` to `b` of at most `most` relationships,
    shortest first (Yen's algorithm)."""
    first = adjacency.shortest(a, b, most)
    if first is None:
        return []
    found = [first]
    candidates: list[Route] = []
    while len(found) < k:
        last = found[-1]
        for spur in range(len(last.nodes) - 1):
            root_nodes, root_edges = last.nodes[: spur + 1], last.edges[:spur]
            banned_edges = frozenset(
                edge_key(route.edges[spur])
                for route in found
                if route.nodes[: spur + 1] == root_nodes and len(route.edges) > spur
            )
            banned_nodes = frozenset(root_nodes[:-1])
            tail = adjacency.shortest(root_nodes[-1], b, most - spur, banned_nodes, banned_edges)
            if tail is None:
                continue
            route = Route(root_nodes + tail.nodes[1:], root_edges + tail.edges)
            if route not in found and route not in candidates:
                candidates.append(route)
        if not candidates:
            break
        candidates.sort(key=lambda r: (len(r.edges), [str(n) for n in r.nodes]))
        found.append(candidates.pop(0))
    return found


def common(
    adjacency: Adjacency, seeds: Sequence[NodeRef], most: int
) -> list[tuple[NodeRef, list[Route]]]:
    """Nodes (not the seeds) within `most` relationships of every seed, each with a shortest
    route from each seed; closest first (by the sum of the routes' lengths)."""
    reached = [adjacency.distances(seed, most) for seed in seeds]
    shared: set[NodeRef] = set(reached[0]) if reached else set()
    for parent in reached[1:]:
        shared &= set(parent)
    shared -= set(seeds)
    found = [(node, [route_to(parent, node) for parent in reached]) for node in shared]
    found.sort(key=lambda item: (sum(len(r.edges) for r in item[1]), str(item[0])))
    return found


def union(subgraphs: Iterable[Subgraph]) -> Subgraph:
    """One subgraph of several (their nodes and relationships, each once)."""
    merged = Subgraph()
    seen: set[EdgeKey] = set()
    for sub in subgraphs:
        merged.nodes.update(sub.nodes)
        merged.truncated |= sub.truncated
        for edge in sub.edges:
            if edge_key(edge) not in seen:
                seen.add(edge_key(edge))
                merged.edges.append(edge)
    return merged

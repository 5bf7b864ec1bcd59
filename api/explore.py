"""Investigator exploration: `neighbourhood`, `paths` and `commonConnections`, drawing-ready
(nodes with a display label, relationships as source and target ids with their properties),
bounded in size, and scoped like every other read: the graph is walked in the store, then
only the nodes the caller may read are shown, with the relationships between them.

Argument errors name the argument: an unknown id, a hop count or limit out of range."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.mutations.nodes import FromId, RelationshipType
from api.nodes import Node
from api.nodes.registry import to_graphql
from api.pagination import bad_input
from graph.model import EdgeType, Label
from graph.model.validators import format_timestamp
from graph.paths import Adjacency, Route, common, k_shortest, union
from graph.records import EdgeRecord, NodeRecord, NodeRef, Subgraph

PROVENANCE_PROPS = frozenset({"prop_hash", "prov_source", "prov_actor", "prov_sources"})
MAX_LIMIT = 5_000
WALK_CAP = 50_000  # nodes a walk may read before it stops (`truncated`)


@strawberry.type(description="A relationship, drawing-ready.")
class GraphEdge:
    id: strawberry.ID = strawberry.field(description="`TYPE:source->target`.")
    type: RelationshipType
    source: strawberry.ID
    target: strawberry.ID
    properties: JSON = strawberry.field(description="Its properties (no provenance).")


@strawberry.type(description="Nodes and the relationships between them, ready to draw.")
class GraphView:
    nodes: list[Node]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(
        description="True where a limit cut the walk short (a hub with more neighbours)."
    )


@strawberry.type
class GraphPath:
    length: int
    nodes: list[Node]
    edges: list[GraphEdge]


@strawberry.type(description="A node reachable from every one given, with a path from each.")
class CommonConnection:
    node: Node
    paths: list[GraphPath]


def _edge(edge: EdgeRecord) -> GraphEdge:
    props = {k: v for k, v in edge.props.items() if k not in PROVENANCE_PROPS}
    return GraphEdge(
        id=strawberry.ID(f"{edge.type.value}:{edge.source}->{edge.target}"),
        type=edge.type,
        source=strawberry.ID(str(edge.source)),
        target=strawberry.ID(str(edge.target)),
        properties=cast(JSON, props),
    )


def refs_of(ids: list[strawberry.ID], argument: str) -> list[NodeRef]:
    refs = []
    for n, given in enumerate(ids):
        try:
            refs.append(NodeRef.parse(str(given)))
        except ValueError as exc:
            raise bad_input(f"{argument}[{n}]: {exc}") from None
    return refs


def _in_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise bad_input(f"{name}: give {low} to {high} (got {value})")


def _types(given: list[RelationshipType] | None) -> list[EdgeType]:
    return [EdgeType(t.value) for t in given] if given else []


async def _existing(
    info: Info, refs: list[NodeRef], argument: str, listed: bool = True
) -> dict[NodeRef, NodeRecord]:
    """The nodes the caller may read; an error naming the first it cannot (`ids[2]`, or the
    argument alone where it is not a list)."""
    found = await asyncio.to_thread(info.context.store.get_nodes, refs)
    for n, ref in enumerate(refs):
        if ref not in found:
            raise bad_input(
                f"{argument}[{n}]: {ref} does not exist"
                if listed
                else f"{argument}: {ref} does not exist"
            )
    return found


def visible(info: Info, records: dict[NodeRef, NodeRecord]) -> dict[NodeRef, NodeRecord]:
    """Of `records` (read from the whole store), those the caller may read."""
    if getattr(info.context.store, "scope", None) is None:
        return records  # the caller reads every row
    return dict(info.context.store.get_nodes(list(records)))


async def _walk(
    info: Info, seeds: list[NodeRef], hops: int, types: list[EdgeType], cap: int
) -> Subgraph:
    """The subgraph within `hops` of the seeds, of the nodes the caller may read."""
    base = info.context.base_store
    sub: Subgraph = await asyncio.to_thread(base.expand, seeds, hops, types, cap)
    shown = await asyncio.to_thread(visible, info, sub.nodes)
    kept = Subgraph(nodes=shown, truncated=sub.truncated)
    kept.edges = [e for e in sub.edges if e.source in shown and e.target in shown]
    return kept


def _within(edge: EdgeRecord, since: str | None, until: str | None) -> bool:
    created = str(edge.props.get("created_at") or "")
    return (since is None or created >= since) and (until is None or created < until)


def _path(route: Route, records: dict[NodeRef, NodeRecord]) -> GraphPath:
    return GraphPath(
        length=len(route.edges),
        nodes=[to_graphql(records[n]) for n in route.nodes],
        edges=[_edge(e) for e in route.edges],
    )


@strawberry.type
class ExploreQuery:
    @strawberry.field(
        description="The nodes within `depth` relationships of `ids` and the relationships "
        "between them, of the types given; relationships made in [since, until) only when a "
        "window is given; at most `limit` nodes (`truncated` when a hub had more)."
    )
    async def neighbourhood(
        self,
        info: Info,
        ids: list[strawberry.ID],
        depth: int = 1,
        relationship_types: list[RelationshipType] | None = None,
        node_types: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 500,
    ) -> GraphView:
        _in_range("depth", depth, 1, 3)
        _in_range("limit", limit, 1, MAX_LIMIT)
        if not 1 <= len(ids) <= 100:
            raise bad_input("ids: give 1 to 100 ids")
        labels = set()
        for name in node_types or []:
            try:
                labels.add(Label(name))
            except ValueError:
                raise bad_input(f"nodeTypes: {name!r} is not a node type") from None
        seeds = refs_of(ids, "ids")
        await _existing(info, seeds, "ids")
        sub = await _walk(info, seeds, depth, _types(relationship_types), limit)
        low = format_timestamp(since) if since else None
        high = format_timestamp(until) if until else None
        edges = [e for e in sub.edges if _within(e, low, high)]
        keep = {ref for ref in sub.nodes if not labels or ref.label in labels} | set(seeds)
        if low or high:  # a window: the seeds and what its relationships reach
            keep &= {e.source for e in edges} | {e.target for e in edges} | set(seeds)
        ordered = [r for r in seeds if r in sub.nodes] + sorted(keep - set(seeds))
        nodes = [sub.nodes[r] for r in ordered if r in sub.nodes][:limit]  # the seeds first
        shown = {n.ref for n in nodes}
        return GraphView(
            nodes=[to_graphql(n) for n in nodes],
            edges=[_edge(e) for e in edges if e.source in shown and e.target in shown],
            truncated=sub.truncated or len(keep) > limit,
        )

    @strawberry.field(
        description="The `k` shortest simple paths between two nodes, of at most `maxHops` "
        "relationships of the types given (either direction), shortest first."
    )
    async def paths(
        self,
        info: Info,
        from_: FromId,
        to: strawberry.ID,
        max_hops: int = 4,
        relationship_types: list[RelationshipType] | None = None,
        k: int = 1,
    ) -> list[GraphPath]:
        _in_range("maxHops", max_hops, 1, 6)
        _in_range("k", k, 1, 10)
        (start,) = refs_of([from_], "from")
        (end,) = refs_of([to], "to")
        await _existing(info, [start], "from", listed=False)
        await _existing(info, [end], "to", listed=False)
        reach = (max_hops + 1) // 2
        types = _types(relationship_types)
        sub = union(
            await asyncio.gather(
                _walk(info, [start], reach, types, WALK_CAP),
                _walk(info, [end], reach, types, WALK_CAP),
            )
        )
        routes = k_shortest(Adjacency(sub), start, end, k, max_hops)
        return [_path(route, sub.nodes) for route in routes]

    @strawberry.field(
        description="Nodes within `maxHops` relationships of every one of `ids`, each with a "
        "shortest path from each; closest first."
    )
    async def common_connections(
        self, info: Info, ids: list[strawberry.ID], max_hops: int = 2, first: int = 50
    ) -> list[CommonConnection]:
        _in_range("maxHops", max_hops, 1, 3)
        _in_range("first", first, 1, 500)
        if not 2 <= len(ids) <= 10:
            raise bad_input("ids: give 2 to 10 ids")
        seeds = refs_of(ids, "ids")
        await _existing(info, seeds, "ids")
        subs = await asyncio.gather(*(_walk(info, [s], max_hops, [], WALK_CAP) for s in seeds))
        sub = union(subs)
        found = common(Adjacency(sub), seeds, max_hops)[:first]
        return [
            CommonConnection(
                node=to_graphql(sub.nodes[node]), paths=[_path(r, sub.nodes) for r in routes]
            )
            for node, routes in found
        ]

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
from strawberry.types.nodes import SelectedField, Selection

from api.mutations.nodes import FromId, RelationshipType
from api.neighbourhood import (
    edge_id,
    edge_properties,
    existing,
    in_full,
    in_range,
    neighbourhood,
    refs_of,
    walk,
)
from api.nodes import Node
from api.nodes.registry import to_graphql
from api.pagination import bad_input
from graph.model import EdgeType
from graph.paths import Adjacency, Route, common, k_shortest, union
from graph.records import EdgeRecord, NodeRecord, NodeRef, Subgraph

WALK_CAP = 50_000  # nodes a walk may read before it stops (`truncated`)
DRAWN = frozenset({"id", "__typename", "label"})  # what a drawing asks of a node


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
    return GraphEdge(
        id=strawberry.ID(edge_id(edge)),
        type=edge.type,
        source=strawberry.ID(str(edge.source)),
        target=strawberry.ID(str(edge.target)),
        properties=cast(JSON, edge_properties(edge)),
    )


def _types(given: list[RelationshipType] | None) -> list[EdgeType]:
    return [EdgeType(t.value) for t in given] if given else []


async def _walk(
    info: Info, seeds: list[NodeRef], hops: int, types: list[EdgeType], cap: int
) -> Subgraph:
    return await walk(info.context.base_store, info.context.store, seeds, hops, types, cap)


def _names(selections: list[Selection]) -> set[str]:
    """The field names of `selections`, through fragments."""
    names: set[str] = set()
    for selection in selections:
        if isinstance(selection, SelectedField):
            names.add(selection.name)
        else:
            names |= _names(selection.selections)
    return names


def _node_fields(selections: list[Selection]) -> set[str]:
    """The fields asked of nodes (a `node` or `nodes` field) anywhere in `selections`."""
    asked: set[str] = set()
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name in ("node", "nodes"):
            asked |= _names(selection.selections)
        else:
            asked |= _node_fields(selection.selections)
    return asked


def _drawn(info: Info) -> bool:
    """True where the query asks of its nodes only what a drawing needs (id, type, label)."""
    return _node_fields(info.selected_fields[0].selections) <= DRAWN


async def _as_asked(info: Info, records: dict[NodeRef, NodeRecord]) -> dict[NodeRef, NodeRecord]:
    return await in_full(info.context.store, records, _drawn(info))


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
        drawing = await neighbourhood(
            info.context.base_store,
            info.context.store,
            [str(i) for i in ids],
            depth,
            relationship_types,
            node_types,
            since,
            until,
            limit,
            _drawn(info),
        )
        return GraphView(
            nodes=[to_graphql(n) for n in drawing.nodes],
            edges=[_edge(e) for e in drawing.edges],
            truncated=drawing.truncated,
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
        in_range("maxHops", max_hops, 1, 6)
        in_range("k", k, 1, 10)
        (start,) = refs_of([from_], "from")
        (end,) = refs_of([to], "to")
        await existing(info.context.store, [start], "from", listed=False)
        await existing(info.context.store, [end], "to", listed=False)
        reach = (max_hops + 1) // 2
        types = _types(relationship_types)
        sub = union(
            await asyncio.gather(
                _walk(info, [start], reach, types, WALK_CAP),
                _walk(info, [end], reach, types, WALK_CAP),
            )
        )
        routes = k_shortest(Adjacency(sub), start, end, k, max_hops)
        records = await _as_asked(info, {n: sub.nodes[n] for r in routes for n in r.nodes})
        return [_path(route, records) for route in routes]

    @strawberry.field(
        description="Nodes within `maxHops` relationships of every one of `ids`, each with a "
        "shortest path from each; closest first."
    )
    async def common_connections(
        self, info: Info, ids: list[strawberry.ID], max_hops: int = 2, first: int = 50
    ) -> list[CommonConnection]:
        in_range("maxHops", max_hops, 1, 3)
        in_range("first", first, 1, 500)
        if not 2 <= len(ids) <= 10:
            raise bad_input("ids: give 2 to 10 ids")
        seeds = refs_of(ids, "ids")
        await existing(info.context.store, seeds, "ids")
        subs = await asyncio.gather(*(_walk(info, [s], max_hops, [], WALK_CAP) for s in seeds))
        sub = union(subs)
        found = common(Adjacency(sub), seeds, max_hops)[:first]
        on_paths = {n for node, routes in found for r in routes for n in (node, *r.nodes)}
        records = await _as_asked(info, {n: sub.nodes[n] for n in on_paths})
        return [
            CommonConnection(
                node=to_graphql(records[node]), paths=[_path(r, records) for r in routes]
            )
            for node, routes in found
        ]

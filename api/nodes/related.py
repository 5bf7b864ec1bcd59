"""Shared resolvers of relationship fields: through this request's loaders, batched per level."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.types import Info

from api.loaders import RelatedQuery
from api.nodes.filter_inputs import to_filter
from api.nodes.registry import to_graphql
from api.pagination import Connection, decode_cursor, encode_cursor, make_connection, page_size
from graph.model import EdgeType, Label
from graph.records import Direction, NodeRef, RelatedItem


def parent_ref(global_id: strawberry.ID) -> NodeRef:
    return NodeRef.parse(str(global_id))


async def related_one(
    info: Info, parent: strawberry.ID, edge_type: EdgeType, direction: Direction, target: Label
) -> RelatedItem | None:
    """The single node at the other end of a to-one relationship (with the edge's properties)."""
    ref = parent_ref(parent)
    query = RelatedQuery(edge_type, direction, target, first=1)
    page = await info.context.loaders.related(query, ref.label).load(ref)
    return page.items[0] if page.items else None


async def one(
    info: Info, parent: strawberry.ID, edge_type: EdgeType, direction: Direction, target: Label
) -> Any:
    item = await related_one(info, parent, edge_type, direction, target)
    return to_graphql(item.node) if item else None


async def many(
    info: Info,
    parent: strawberry.ID,
    edge_type: EdgeType,
    direction: Direction,
    target: Label | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    where: Any = None,
    wrap: Callable[[RelatedItem], Any] | None = None,
) -> Connection[Any]:
    """A page of a to-many relationship; all parents at this level share one round trip.

    Items are the related nodes, or what `wrap` makes of each node with its edge properties."""
    first, last = page_size(first, last)
    after_id, before_id = decode_cursor(after, "after"), decode_cursor(before, "before")
    for name, value in (("after", after_id), ("before", before_id)):
        if value is not None and not isinstance(value, str):
            from api.pagination import bad_input

            raise bad_input(f"{name}: not a cursor of this list")
    ref = parent_ref(parent)
    where_filter = to_filter(target, where) if target is not None else None
    query = RelatedQuery(
        edge_type, direction, target, where_filter, first, after_id, last, before_id
    )
    page = await info.context.loaders.related(query, ref.label).load(ref)

    async def total() -> int:
        return page.total

    return make_connection(
        [wrap(item) if wrap else to_graphql(item.node) for item in page.items],
        [encode_cursor(item.node.id) for item in page.items],
        page.has_next,
        page.has_previous,
        total,
    )

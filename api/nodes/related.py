"""Shared resolvers of relationship fields: through this request's loaders, batched per level."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from api.loaders import RelatedQuery
from api.nodes.filter_inputs import to_filter
from api.nodes.order import SortDirection
from api.nodes.prefetch import children, keep_nested, page_key, prefetched_page
from api.nodes.registry import to_graphql
from api.pagination import Connection, item_cursor, make_connection, page_window
from graph.model import EdgeType, Label
from graph.records import Branch, Direction, NodeRef, RelatedItem, RelatedPage


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
    parent: Any,
    edge_type: EdgeType,
    direction: Direction,
    target: Label | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    where: Any = None,
    wrap: Callable[[RelatedItem], Any] | None = None,
    order: Any = None,
) -> Connection[Any]:
    """A page of a to-many relationship of the GraphQL object `parent`: fetched with the
    parent when its list was, else with every parent at this level in one round trip, with
    the lists its nodes' selection asks for nested in the same query.

    Items are the related nodes, or what `wrap` makes of each node with its edge properties."""
    order_by = order.field.value if order else "id"
    descending = bool(order and order.direction == SortDirection.DESC)
    first, after_id, last, before_id = page_window(first, after, last, before, order_by)
    ref = parent_ref(parent.id)
    page: RelatedPage | None = None
    if where is None and order is None and target is not None:
        key = page_key((edge_type, direction, target), first, after_id, last, before_id)
        page = prefetched_page(parent, key)
    if page is None:
        where_filter = to_filter(target, where) if target is not None else None
        selected = info.selected_fields[0]
        nested = (
            children(selected, target)
            if target is not None and isinstance(selected, SelectedField)
            else ()
        )
        if nested or order is not None:
            branch = Branch(
                "",
                edge_type,
                direction,
                target,
                where_filter,
                first,
                after_id,
                last,
                before_id,
                nested,
                order_by=order_by,
                descending=descending,
            )
            page = await info.context.loaders.tree(branch, ref.label).load(ref)
        else:
            query = RelatedQuery(
                edge_type, direction, target, where_filter, first, after_id, last, before_id
            )
            page = await info.context.loaders.related(query, ref.label).load(ref)
    found = page

    async def total() -> int:
        if found.total is None:
            raise RuntimeError("a page fetched without its count")  # the planner counts all
        return found.total

    return make_connection(
        [wrap(item) if wrap else keep_nested(to_graphql(item.node), item) for item in page.items],
        [item_cursor(page.order_by, item.node.id, item.sort) for item in page.items],
        page.has_next,
        page.has_previous,
        total,
    )

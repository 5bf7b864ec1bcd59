"""Relay connections: opaque cursors, page info, total counts computed only when asked for."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
NodeT = TypeVar("NodeT")


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, ensure_ascii=False).encode()).decode()


def decode_cursor(cursor: str | None, argument: str) -> Any:
    if cursor is None:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise bad_input(f"{argument}: not a cursor this API issued") from None


def page_size(first: int | None, last: int | None) -> tuple[int | None, int | None]:
    """Validated first/last: one of them, 0..MAX_PAGE_SIZE; first defaults to 50."""
    if first is not None and last is not None:
        raise bad_input("first/last: give one of them, not both")
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
            raise bad_input(f"{name}: must be between 0 and {MAX_PAGE_SIZE}")
    if first is None and last is None:
        first = DEFAULT_PAGE_SIZE
    return first, last


def page_window(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    order_by: str = "id",
) -> tuple[int | None, Any, int | None, Any]:
    """A relationship list's page as asked: validated first/last and what its cursors hold
    (an id, or (sort value, id) when ordered by a field); a bad one is a GraphQL error
    naming the argument."""
    first, last = page_size(first, last)
    keys: list[Any] = []
    for name, cursor in (("after", after), ("before", before)):
        value = decode_cursor(cursor, name)
        if value is None:
            keys.append(None)
        elif order_by == "id" and isinstance(value, str):
            keys.append(value)
        elif order_by != "id" and isinstance(value, list) and len(value) == 3:
            if value[0] != order_by or not isinstance(value[2], str):
                raise bad_input(f"{name}: the cursor belongs to another ordering")
            keys.append((value[1], value[2]))
        else:
            raise bad_input(f"{name}: not a cursor of this list")
    return first, keys[0], last, keys[1]


def item_cursor(order_by: str, node_id: str, sort: Any) -> str:
    """The cursor of a relationship list's item: its id, or (field, sort value, id)."""
    return encode_cursor(node_id if order_by == "id" else [order_by, sort, node_id])


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    """A page of a list, with the total size of the list (counted only if requested)."""

    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count_source: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="Size of the whole list, all pages together.")
    async def total_count(self) -> int:
        return await self.total_count_source()


def make_connection(
    nodes: list[Any],
    cursors: list[str],
    has_next: bool,
    has_previous: bool,
    total: Callable[[], Awaitable[int]],
) -> Connection[Any]:
    edges = [Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)]
    info = PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
    return Connection(edges=edges, page_info=info, total_count_source=total)

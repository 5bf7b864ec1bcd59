"""Root lists: filtered, ordered, keyset-paginated connections over one label."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.types import Info

from api.nodes.filter_inputs import to_filter
from api.nodes.order import SortDirection
from api.nodes.registry import to_graphql
from api.pagination import (
    Connection,
    bad_input,
    decode_cursor,
    encode_cursor,
    make_connection,
    page_size,
)
from graph.filters import All, Filter
from graph.model import Label
from graph.port import Listing
from graph.records import Branch, Page


def _cursor_key(cursor: str | None, argument: str, order_by: str) -> tuple[Any, str] | None:
    decoded = decode_cursor(cursor, argument)
    if decoded is None:
        return None
    if not (isinstance(decoded, list) and len(decoded) == 3 and isinstance(decoded[2], str)):
        raise bad_input(f"{argument}: not a cursor of this list")
    if decoded[0] != order_by:
        raise bad_input(f"{argument}: the cursor belongs to another ordering")
    return decoded[1], decoded[2]


@dataclass(frozen=True)
class ListQuery:
    """A root list's page as asked: validated window, cursors decoded, filter compiled."""

    label: Label
    predicate: Filter | None
    order_by: str
    descending: bool
    first: int | None
    after: tuple[Any, str] | None
    last: int | None
    before: tuple[Any, str] | None

    def page(
        self,
        store: Listing,
        branches: Sequence[Branch] = (),
        fields: tuple[str, ...] | None = None,
    ) -> Page:
        return store.list_nodes(
            self.label,
            self.predicate,
            self.order_by,
            self.descending,
            self.first,
            self.after,
            self.last,
            self.before,
            branches,
            fields,
        )

    def total(self, store: Listing) -> int:
        return store.count_where(self.label, self.predicate)

    def cursors(self, page: Page) -> list[str]:
        return [encode_cursor([self.order_by, value, node_id]) for value, node_id in page.keys]


def list_query(
    label: Label,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    where: Any,
    order: Any,
    extra: Filter | None = None,
) -> ListQuery:
    """The page a root list's arguments ask for; a bad argument is a GraphQL error."""
    first, last = page_size(first, last)
    order_by = order.field.value if order else "id"
    descending = bool(order and order.direction == SortDirection.DESC)
    predicate = to_filter(label, where)
    if extra is not None:
        predicate = All((predicate, extra)) if predicate is not None else extra
    return ListQuery(
        label,
        predicate,
        order_by,
        descending,
        first,
        _cursor_key(after, "after", order_by),
        last,
        _cursor_key(before, "before", order_by),
    )


async def root_list(
    info: Info,
    label: Label,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    where: Any,
    order: Any,
    extra: Filter | None = None,
) -> Connection[Any]:
    store = info.context.store
    query = list_query(label, first, after, last, before, where, order, extra)
    page = await asyncio.to_thread(query.page, store)

    async def total() -> int:
        return await asyncio.to_thread(query.total, store)

    return make_connection(
        [to_graphql(record) for record in page.records],
        query.cursors(page),
        page.has_next,
        page.has_previous,
        total,
    )

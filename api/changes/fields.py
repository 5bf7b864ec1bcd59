"""The `changes` pull query and the `changes` subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from api.changes.bounds import bounded
from api.changes.shared import shared_node
from api.changes.types import ChangeFilterInput, ChangeNode, to_filter, to_node
from api.pagination import PageInfo, bad_input
from events.change import Change
from events.coalesce import coalesced
from events.hub import ChangeHub
from events.stream import CursorError, CursorExpiredError, parse_cursor

MAX_PULL = 1000
MAX_THROTTLE_MS = 3_600_000


@strawberry.type
class ChangeEdge:
    cursor: str
    node: ChangeNode


@strawberry.type
class ChangeConnection:
    edges: list[ChangeEdge]
    page_info: PageInfo


def hub_of(info: Info) -> ChangeHub:
    hub: ChangeHub | None = info.context.changes
    if hub is None:
        raise GraphQLError(
            "changes: this server has no change stream (set CIVICGRAPH_REDIS_URL, or use "
            "FalkorDB, whose server holds it)",
            extensions={"code": "CHANGES_UNAVAILABLE"},
        )
    return hub


def _checked(after: str | None) -> str | None:
    if after is not None:
        try:
            parse_cursor(after)
        except CursorError as exc:
            raise bad_input(str(exc)) from None
    return after


def expired(exc: CursorExpiredError) -> GraphQLError:
    return GraphQLError(str(exc), extensions={"code": "CURSOR_EXPIRED", "oldestCursor": exc.oldest})


@strawberry.type
class ChangeQuery:
    @strawberry.field(
        description="Changes in the order they were committed, for integrators that poll: "
        "from `after` (none: the oldest kept), at most `first` (≤ 1000); go on from "
        "`pageInfo.endCursor`, which moves past changes the filter skipped."
    )
    async def changes(
        self,
        info: Info,
        after: str | None = None,
        first: int = 100,
        filter: ChangeFilterInput | None = None,
    ) -> ChangeConnection:
        if not 0 < first <= MAX_PULL:
            raise bad_input(f"first: give a number from 1 to {MAX_PULL}")
        wanted = bounded(info, to_filter(filter))
        hub = hub_of(info)
        try:
            found, end, more = await hub.page(_checked(after), first, wanted)
        except CursorExpiredError as exc:
            raise expired(exc) from None
        return ChangeConnection(
            edges=[ChangeEdge(cursor=c, node=to_node(change)) for c, change in found],
            page_info=PageInfo(
                has_next_page=more,
                has_previous_page=after is not None,
                start_cursor=found[0][0] if found else None,
                end_cursor=end,
            ),
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every change after `after` (none: from now on) that the filter keeps, "
        "in commit order, each once per connection; resume with the last cursor received. "
        "`throttleMs`: at most one change per entity in that window, merged."
    )
    async def changes(
        self,
        info: Info,
        after: str | None = None,
        filter: ChangeFilterInput | None = None,
        throttle_ms: int | None = None,
    ) -> AsyncGenerator[ChangeNode, None]:
        if throttle_ms is not None and not 0 <= throttle_ms <= MAX_THROTTLE_MS:
            raise bad_input(f"throttleMs: give a number from 0 to {MAX_THROTTLE_MS}")
        wanted = bounded(info, to_filter(filter))
        hub = hub_of(info)
        source: AsyncIterator[tuple[str, Change]] = hub.subscribe(_checked(after), wanted)
        if throttle_ms:
            source = coalesced(source, throttle_ms / 1000)
        try:
            async for _, change in source:
                yield shared_node(change)
        except CursorExpiredError as exc:
            raise expired(exc) from None
        finally:
            closing: Any = getattr(source, "aclose", None)
            if closing is not None:
                await closing()

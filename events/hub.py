"""One reader of the change stream per API process, fanning entries out to its subscribers.

A subscriber registers with the hub (from then on the hub queues what matches its filter),
reads what it must catch up on straight from the stream up to where the hub stood when it
registered, then takes its queue: no entry is missed or repeated at the seam. One that falls
too far behind (its queue full) is dropped from the queue and catches up from the stream the
same way. The hub rides out Redis outages: it resumes reading after the last entry it saw."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
from prometheus_client import Gauge

from civicgraph.logs import get_logger
from events.change import Change
from events.filters import ChangeFilter
from events.stream import (
    CursorExpiredError,
    StreamKeys,
    cursor_key,
    entries_of,
    parse_cursor,
)
from events.tasks import close_quietly, stop_task

log = get_logger(__name__)
SUBSCRIBERS = Gauge(
    "civicgraph_change_subscribers", "Open change subscriptions", multiprocess_mode="livesum"
)
QUEUE_LIMIT = 10_000
READ_PAGE = 500


@dataclass(eq=False)
class Subscriber:
    filter: ChangeFilter
    queue: asyncio.Queue[tuple[str, Change]] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT)
    )
    lagging: bool = False

    def offer(self, cursor: str, change: Change) -> None:
        if self.lagging or not self.filter.matches(change):
            return
        try:
            self.queue.put_nowait((cursor, change))
        except asyncio.QueueFull:
            self.lagging = True  # it catches up from the stream
            while not self.queue.empty():
                self.queue.get_nowait()


class ChangeHub:
    def __init__(self, client: aioredis.Redis, keys: StreamKeys) -> None:
        self.client = client
        self.keys = keys
        self.position = "0-0"
        self.subscribers: set[Subscriber] = set()
        self._task: asyncio.Task[None] | None = None
        self._started = asyncio.Event()
        self._stopping = False

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        self._stopping = True
        await stop_task(self._task, "change hub")
        await close_quietly(self.client.aclose(), "change hub redis")

    async def _run(self) -> None:
        backoff = 0.1
        while not self._stopping:
            try:
                if not self._started.is_set():
                    self.position = await self.last_cursor()
                    self._started.set()
                reply: Any = await self.client.xread(
                    {self.keys.stream: self.position}, count=1000, block=1000
                )
                backoff = 0.1
                for _, raw_entries in reply or ():
                    entries = entries_of(raw_entries)
                    if not entries:
                        continue
                    self.position = entries[-1][0]  # before any await: offers stay in step
                    for cursor, change in entries:
                        for subscriber in self.subscribers:
                            subscriber.offer(cursor, change)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 (Redis away: wait, resume where it was)
                log.warning("hub.retrying", error=type(exc).__name__, wait_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def last_cursor(self) -> str:
        """The newest entry's id in the stream (`0-0` when it is empty)."""
        raw: Any = await self.client.xrevrange(self.keys.stream, "+", "-", count=1)
        return raw[0][0].decode() if raw else "0-0"

    async def oldest_cursor(self) -> str:
        value: Any = await self.client.get(self.keys.trimmed)
        return value.decode() if value is not None else "0-0"

    async def check_cursor(self, after: str) -> None:
        parse_cursor(after)
        oldest = await self.oldest_cursor()
        if cursor_key(after) < cursor_key(oldest):
            raise CursorExpiredError(oldest)

    async def _read(self, after: str, upto: str) -> list[tuple[str, Change]]:
        raw = await self.client.xrange(self.keys.stream, f"({after}", upto, count=READ_PAGE)
        return entries_of(raw)

    async def _catch_up(
        self, after: str, upto: str, wanted: ChangeFilter
    ) -> AsyncIterator[tuple[str, Change]]:
        """The entries after `after` up to `upto`, from the stream, in pages."""
        while cursor_key(after) < cursor_key(upto):
            page = await self._read(after, upto)
            if not page:
                return
            for cursor, change in page:
                if wanted.matches(change):
                    yield cursor, change
            after = page[-1][0]

    async def page(
        self, after: str | None, first: int, wanted: ChangeFilter, scan_limit: int = 10_000
    ) -> tuple[list[tuple[str, Change]], str | None, bool]:
        """Up to `first` changes after `after` (None: the oldest kept) that `wanted` keeps,
        reading at most `scan_limit` entries; with the cursor to go on from (the last entry
        read, matching or not) and whether more entries follow it."""
        if after is not None:
            await self.check_cursor(after)
        position = after or "0-0"
        found: list[tuple[str, Change]] = []
        scanned = 0
        while len(found) < first and scanned < scan_limit:
            raw = await self.client.xrange(self.keys.stream, f"({position}", "+", count=READ_PAGE)
            entries = entries_of(raw)
            for cursor, change in entries:
                scanned += 1
                position = cursor
                if wanted.matches(change):
                    found.append((cursor, change))
                    if len(found) == first:
                        break
            if len(entries) < READ_PAGE:
                break
        more: Any = await self.client.xrange(self.keys.stream, f"({position}", "+", count=1)
        return found, (position if position != (after or "0-0") else after), bool(more)

    async def subscribe(
        self, after: str | None, wanted: ChangeFilter
    ) -> AsyncIterator[tuple[str, Change]]:
        """Every change after the cursor `after` (None: from now) that `wanted` keeps, in
        stream order, each once."""
        await self._started.wait()
        if after is not None:
            await self.check_cursor(after)
        subscriber = Subscriber(wanted)
        self.subscribers.add(subscriber)
        SUBSCRIBERS.inc()
        try:
            upto = self.position  # no await since registering: the queue starts right after
            last = after if after is not None else upto
            while True:
                async for cursor, change in self._catch_up(last, upto, wanted):
                    last = cursor
                    yield cursor, change
                while not subscriber.lagging:
                    cursor, change = await subscriber.queue.get()
                    if cursor_key(cursor) <= cursor_key(last):
                        continue
                    last = cursor
                    yield cursor, change
                subscriber.lagging = False
                upto = self.position
        finally:
            self.subscribers.discard(subscriber)
            SUBSCRIBERS.dec()

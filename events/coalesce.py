"""Coalescing for subscribers that want at most one change per entity per time window: the
changes an entity makes within the window are merged (changed fields joined, the newest values,
the oldest old values, the newest cursor) and delivered when its window ends."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import replace

from events.change import Change


def merge(older: Change, newer: Change) -> Change:
    fields = list(dict.fromkeys([*older.changed_fields, *newer.changed_fields]))
    values = None if newer.values is None else {**(older.values or {}), **newer.values}
    old_values = (
        None if older.old_values is None else {**(newer.old_values or {}), **older.old_values}
    )
    return replace(newer, changed_fields=fields, values=values, old_values=old_values)


async def coalesced(
    source: AsyncIterator[tuple[str, Change]], window_s: float
) -> AsyncIterator[tuple[str, Change]]:
    """`source` with each entity's changes held and merged within `window_s` of the last
    delivery of that entity."""
    arrived: asyncio.Queue[tuple[str, Change] | None] = asyncio.Queue()

    async def pull() -> None:
        try:
            async for item in source:
                arrived.put_nowait(item)
        finally:
            arrived.put_nowait(None)  # the end, or a failure `await puller` raises

    puller = asyncio.create_task(pull())
    sent_at: dict[str, float] = {}
    pending: dict[str, Change] = {}
    try:
        while True:
            now = time.monotonic()
            due = [e for e in pending if sent_at.get(e, 0.0) + window_s <= now]
            for entity in due:
                change = pending.pop(entity)
                sent_at[entity] = now
                yield change.cursor, change
            wait = min((sent_at[e] + window_s - now for e in pending), default=None)
            try:
                item = await asyncio.wait_for(arrived.get(), wait)
            except TimeoutError:
                continue
            if item is None:
                await puller
                return
            _, change = item
            entity = change.entity_id
            if entity in pending:
                pending[entity] = merge(pending[entity], change)
            elif sent_at.get(entity, -window_s) + window_s <= time.monotonic():
                sent_at[entity] = time.monotonic()
                yield change.cursor, change
            else:
                pending[entity] = change
    finally:
        puller.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await puller

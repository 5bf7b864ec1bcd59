"""Stopping a background task for sure: a client library may turn a cancellation into an
error of its own (a read cut short), which a retry loop would then ride out forever."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from civicgraph.logs import get_logger

log = get_logger(__name__)


async def stop_task(task: asyncio.Task[None] | None, name: str, patience_s: float = 5.0) -> None:
    """Cancel `task` until it ends (a loop must also check its own stop flag)."""
    if task is None:
        return
    for _ in range(3):
        task.cancel()
        with suppress(asyncio.CancelledError, TimeoutError, Exception):
            await asyncio.wait_for(asyncio.shield(task), patience_s)
        if task.done():
            return
    log.warning("task.not_stopped", task=name)


async def close_quietly(closing: object, name: str, patience_s: float = 5.0) -> None:
    """Await a client's close, giving up after `patience_s` (shutting down must not hang)."""
    try:
        await asyncio.wait_for(closing, patience_s)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 (closing anyway)
        log.warning("close.failed", what=name, error=type(exc).__name__)

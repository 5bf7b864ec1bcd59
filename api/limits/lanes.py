"""A lane for costly operations: a thread with its own event loop.

Resolving tens of thousands of objects is CPU work between awaits; on the server's event loop
it would make every other request (a health check, `{ stats }`) wait behind it. Costly
operations run on this lane instead, so the main loop only competes with them for the GIL
(which Python hands over every few milliseconds) and cheap requests stay fast.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class Lane:
    """An event loop on a thread of its own; `run` awaits a coroutine there."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name=self.name, daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the lane, in the caller's context (request id, log fields);
        cancelling the caller cancels it there."""
        loop = self._started()
        context = contextvars.copy_context()
        result: concurrent.futures.Future[T] = concurrent.futures.Future()
        started: concurrent.futures.Future[asyncio.Task[T]] = concurrent.futures.Future()

        def settle(task: asyncio.Task[T]) -> None:
            if result.done():
                return
            if task.cancelled():
                result.cancel()
            elif (error := task.exception()) is not None:
                result.set_exception(error)
            else:
                result.set_result(task.result())

        def start() -> None:
            task = loop.create_task(coroutine, context=context)
            task.add_done_callback(settle)
            started.set_result(task)

        loop.call_soon_threadsafe(start)
        try:
            return await asyncio.wrap_future(result)
        except asyncio.CancelledError:
            task = started.result(timeout=5)
            loop.call_soon_threadsafe(task.cancel)
            raise

    def stop(self) -> None:
        with self._lock:
            if self._loop is not None and self._thread is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(10)
                self._loop.close()
            self._loop = self._thread = None

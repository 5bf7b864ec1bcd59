"""The projection an API process serves assessments from: built from the store on first use
(in a worker thread, one build at a time), and built again once the store has committed
changes since and `max_age_s` has passed."""

from __future__ import annotations

import asyncio
import time
from datetime import date

from risk.build import ProjectionSource, build_projection
from risk.projection import Projection
from risk.vulnerability import checked_weights


class ProjectionCache:
    def __init__(
        self,
        store: ProjectionSource,
        weights: dict[str, float] | None = None,
        max_age_s: float = 60.0,
    ) -> None:
        self.store = store
        self.weights = checked_weights(weights)  # the vulnerability weights assessments use
        self.max_age_s = max_age_s
        self._projection: Projection | None = None
        self._built_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> Projection:
        async with self._lock:
            stale = time.monotonic() - self._built_at > self.max_age_s
            if self._projection is None or (
                stale and await asyncio.to_thread(self.store.last_event_seq) != self._projection.seq
            ):
                today = date.today().isoformat()
                self._projection = await asyncio.to_thread(build_projection, self.store, today)
                self._built_at = time.monotonic()
            return self._projection

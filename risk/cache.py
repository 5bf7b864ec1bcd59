"""The projection an API process serves assessments from: built from the store on first use
(in a worker thread, one build at a time), then brought up to the store's newest change before
each use by applying what changed since (`risk.follow`); built again only when that history
is gone."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Protocol

from civicgraph.logs import get_logger
from events.stream import ChangeStream
from risk.build import ProjectionSource, build_projection
from risk.follow import ChangeHistory, StoreReads, followed
from risk.projection import Projection
from risk.vulnerability import checked_weights

log = get_logger(__name__)


class CachedSource(ProjectionSource, StoreReads, Protocol):
    """What the cache reads of the store: the export, the change events, present values."""


class ProjectionCache:
    def __init__(
        self,
        store: CachedSource,
        stream: ChangeStream | None = None,
        weights: dict[str, float] | None = None,
    ) -> None:
        self.store = store
        self.history = ChangeHistory(store, stream)
        self.weights = checked_weights(weights)  # the vulnerability weights assessments use
        self._projection: Projection | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Projection:
        async with self._lock:
            current = self._projection
            if current is not None:
                current = await asyncio.to_thread(followed, current, self.history)
                if current is None:
                    log.info("risk.projection_rebuilt", reason="history gone")
            if current is None:
                today = date.today().isoformat()
                current = await asyncio.to_thread(build_projection, self.store, today)
            self._projection = current
            return current

"""Aggregates per grid, rolled up the grid hierarchy (grid → community → street → district)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from graph.core import StoreCore
from graph.model.validators import format_timestamp
from graph.workflow import OPEN_STATES


@dataclass
class GridStatistics:
    buildings: int = 0
    households: int = 0
    residents: int = 0
    residents_by_tag: Counter[str] = field(default_factory=Counter)
    open_incidents_by_status: Counter[str] = field(default_factory=Counter)
    open_incidents_by_category: Counter[str] = field(default_factory=Counter)
    overdue_incidents: int = 0


class StatisticsMixin(StoreCore):
    """Grid aggregates over a store's reads."""

    def grid_statistics(
        self, grid_ids: Sequence[str], now: datetime | None = None
    ) -> dict[str, GridStatistics]:
        """Statistics of many grids in three round trips (counts, tags, incidents)."""
        stats = {grid_id: GridStatistics() for grid_id in grid_ids}
        ids = {"ids": list(grid_ids)}
        for row in self._read(self._q("grid_counts"), ids):
            entry = stats[row["grid"]]
            entry.buildings, entry.households = int(row["buildings"]), int(row["households"])
            entry.residents = int(row["residents"])
        for row in self._read(self._q("grid_tags"), ids):
            stats[row["grid"]].residents_by_tag[row["tag"]] += int(row["count"])
        moment = format_timestamp(now or datetime.now(UTC))
        params = {**ids, "open": sorted(s.value for s in OPEN_STATES)}
        for row in self._read(self._q("grid_incidents"), params):
            entry = stats[row["grid"]]
            entry.open_incidents_by_status[row["status"]] += 1
            entry.open_incidents_by_category[row["category"]] += 1
            if row["deadline"] and row["deadline"] < moment:
                entry.overdue_incidents += 1
        return stats

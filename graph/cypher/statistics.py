"""Aggregates per grid, rolled up the grid hierarchy (grid → community → street → district)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from graph.cypher.session import CypherSession
from graph.model.validators import format_timestamp
from graph.records import GridStatistics
from graph.workflow import OPEN_STATES


class Statistics:
    """Grid aggregates, rolled up the grid hierarchy."""

    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def grid_statistics(
        self, grid_ids: Sequence[str], now: datetime | None = None
    ) -> dict[str, GridStatistics]:
        """Statistics of many grids in three round trips (counts, tags, incidents)."""
        stats = {grid_id: GridStatistics() for grid_id in grid_ids}
        ids = {"ids": list(grid_ids)}
        for row in self.session.read(self.session.q("grid_counts"), ids):
            entry = stats[row["grid"]]
            entry.buildings, entry.households = int(row["buildings"]), int(row["households"])
            entry.residents = int(row["residents"])
        for row in self.session.read(self.session.q("grid_tags"), ids):
            stats[row["grid"]].residents_by_tag[row["tag"]] += int(row["count"])
        moment = format_timestamp(now or datetime.now(UTC))
        params = {**ids, "open": sorted(s.value for s in OPEN_STATES)}
        for row in self.session.read(self.session.q("grid_incidents"), params):
            entry = stats[row["grid"]]
            entry.open_incidents_by_status[row["status"]] += 1
            entry.open_incidents_by_category[row["category"]] += 1
            if row["deadline"] and row["deadline"] < moment:
                entry.overdue_incidents += 1
        return stats

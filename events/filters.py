"""Which changes a subscriber wants: kinds, entity types, ids, grids (an entity placed in a grid
below one named is in it too: entries list every grid above), incident categories and a
minimum severity, watched fields. Empty means any."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from events.change import Change, ChangeKind
from graph.model.enums import Severity

SEVERITY_RANK = {severity.value: rank for rank, severity in enumerate(Severity)}


@dataclass(frozen=True)
class ChangeFilter:
    kinds: frozenset[ChangeKind] = frozenset()
    entity_types: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()  # global ids; a relationship matches either end
    grid_ids: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    min_severity: str | None = None
    fields: frozenset[str] = frozenset()  # at least one of them changed
    # The subscriber's own grids (its row scope): changes placed in none of them are never
    # its to see. None: not bounded; empty: nothing.
    within_grids: frozenset[str] | None = None
    # Whether risk alerts about residents reach the subscriber: a resident's score follows
    # their health and key-population tags, so only subscribers who may read those get them.
    resident_alerts: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The filter as JSON-ready lists (what a webhook stores)."""
        return {
            "kinds": sorted(self.kinds),
            "entityTypes": sorted(self.entity_types),
            "ids": sorted(self.ids),
            "gridIds": sorted(self.grid_ids),
            "categories": sorted(self.categories),
            "minSeverity": self.min_severity,
            "fields": sorted(self.fields),
            "withinGrids": None if self.within_grids is None else sorted(self.within_grids),
            "residentAlerts": self.resident_alerts,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangeFilter:
        return cls(
            kinds=frozenset(ChangeKind(k) for k in data.get("kinds") or ()),
            entity_types=frozenset(data.get("entityTypes") or ()),
            ids=frozenset(data.get("ids") or ()),
            grid_ids=frozenset(data.get("gridIds") or ()),
            categories=frozenset(data.get("categories") or ()),
            min_severity=data.get("minSeverity"),
            fields=frozenset(data.get("fields") or ()),
            within_grids=(
                None if data.get("withinGrids") is None else frozenset(data["withinGrids"])
            ),
            # A filter stored before risk alerts existed never said: it gets none of them.
            resident_alerts=bool(data.get("residentAlerts", False)),
        )

    def _within(self, change: Change) -> bool:
        """Whether the change lies in the subscriber's grids: a relationship by both ends."""
        assert self.within_grids is not None
        if change.end_grid_ids is not None:
            return all(not self.within_grids.isdisjoint(end) for end in change.end_grid_ids)
        return not self.within_grids.isdisjoint(change.grid_ids)

    def matches(self, change: Change) -> bool:
        if self.within_grids is not None and not self._within(change):
            return False
        if (
            not self.resident_alerts
            and change.kind == ChangeKind.RISK_ALERT
            and change.entity_type == "Resident"
        ):
            return False
        if self.kinds and change.kind not in self.kinds:
            return False
        if self.entity_types and change.entity_type not in self.entity_types:
            return False
        if self.ids and not self.ids & {change.entity_id, change.source_id, change.target_id}:
            return False
        if self.grid_ids and self.grid_ids.isdisjoint(change.grid_ids):
            return False
        if self.categories and change.category not in self.categories:
            return False
        if self.min_severity is not None and (
            change.severity is None
            or SEVERITY_RANK[change.severity] < SEVERITY_RANK[self.min_severity]
        ):
            return False
        return not self.fields or not self.fields.isdisjoint(change.changed_fields)


ANY = ChangeFilter()

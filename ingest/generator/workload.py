"""Incidents in every workflow state and Chinese petitions of the synthetic community."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

from graph.model.enums import IncidentCategory, IncidentStatus
from graph.workflow import Action
from ingest.generator.closed_loop import closed_loop
from ingest.generator.parts import BuildingInfo, Community, CsvSet, timestamp
from ingest.generator.texts import INCIDENTS, PETITIONS, WHEN

CATEGORY_WEIGHTS: dict[str, int] = {
    "fire": 4,
    "gas_leak": 4,
    "power_outage": 5,
    "water_outage": 5,
    "flood": 3,
    "elevator_entrapment": 6,
    "building_safety": 5,
    "public_security": 7,
    "environment": 8,
    "sanitation": 12,
    "noise": 9,
    "traffic": 6,
    "neighbour_dispute": 9,
    "public_health": 4,
    "social_assistance": 6,
    "property_service": 10,
    "other": 2,
}
ALERT_DEVICE = {
    "fire": "smoke_alarm",
    "gas_leak": "gas_alarm",
    "elevator_entrapment": "elevator_monitor",
    "power_outage": "transformer",
    "water_outage": "water_valve",
}
STATUS_WEIGHTS: dict[str, int] = {
    "reported": 6,
    "accepted": 5,
    "registered": 5,
    "dispatched": 8,
    "handled": 7,
    "verified": 5,
    "closed": 55,
    "void": 3,
    "on_hold": 3,
    "supervised": 3,
}
CHANNELS = (
    ("hotline_12345", 45),
    ("app", 25),
    ("message_board", 15),
    ("qr_code", 10),
    ("service_window", 5),
)
PERSONAL_CATEGORIES = {"neighbour_dispute", "social_assistance", "elevator_entrapment"}


class WorkloadGenerator:
    def __init__(self, generator: Community, out: CsvSet) -> None:
        self.gen = generator
        self.rng = generator.rng
        self.out = out

    def write(self) -> None:
        statuses = [s.value for s in IncidentStatus]
        for index in range(self.gen.incident_count):
            status = statuses[index] if index < len(statuses) else self._weighted(STATUS_WEIGHTS)
            self._incident(status)
        while self.out.counts["petitions"] < self.gen.petition_count:
            category = self._weighted({c: w for c, w in CATEGORY_WEIGHTS.items() if c in PETITIONS})
            self._petition(category, *self._submitter())

    def _weighted(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _submitter(self) -> tuple[str | None, BuildingInfo]:
        if self.gen.reservoir and self.rng.random() < 0.8:
            resident_id, building_index = self.rng.choice(self.gen.reservoir)
            return resident_id, self.gen.buildings[building_index]
        return None, self.rng.choice(self.gen.buildings)

    def _fill(self, template: str, building: BuildingInfo) -> str:
        return template.format(
            place=building.name, compound=building.compound, when=self.rng.choice(WHEN)
        )

    def _petition(
        self,
        category: str,
        resident_id: str | None,
        building: BuildingInfo,
        day_offset: int | None = None,
    ) -> str:
        petition_id = self.gen.next_id("P", 7)
        text = self._fill(self.rng.choice(PETITIONS[category]), building)
        days = day_offset if day_offset is not None else self.rng.randint(0, 365)
        submitted = self._moment(days)
        channel = self.rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        self.out.write(
            "petitions",
            petition_id=petition_id,
            text=text,
            channel=channel,
            submitted_at=submitted,
            resident_id=resident_id,
        )
        return petition_id

    def _moment(self, days_ago: int) -> str:
        return timestamp(self.gen.as_of - timedelta(days=days_ago), self.rng)

    def _incident(self, status: str) -> None:
        category = self._weighted(CATEGORY_WEIGHTS)
        resident_id, building = self._submitter()
        severity = self.rng.choices(("low", "medium", "high", "critical"), (30, 45, 20, 5))[0]
        if category in ("fire", "gas_leak") and severity == "low":
            severity = "high"
        days_ago = self.rng.randint(0, 365)
        reported = self.gen.as_of - timedelta(days=days_ago)
        incident_id = self.gen.next_id("I", 7)
        device_id = ""
        source = "grid_patrol"
        alert_kind = ALERT_DEVICE.get(category)
        if alert_kind and alert_kind in building.devices and self.rng.random() < 0.6:
            device_id, source = building.devices[alert_kind], "device_alert"
        elif category in PETITIONS and self.rng.random() < 0.4:
            source = "petition"
            petition_id = self._petition(category, resident_id, building, days_ago)
            self.out.link(petition_id, "REPORTS", incident_id, "", "")
        elif self.rng.random() < 0.4:
            source = "hotline"
        description = self._fill(self.rng.choice(INCIDENTS[category]), building)
        china = timezone(timedelta(hours=8))
        moment = time(self.rng.randint(0, 23), self.rng.randint(0, 59))
        reported_at = datetime.combine(reported, moment, china)
        as_of = datetime.combine(self.gen.as_of, time(23, 59), china).astimezone(UTC)
        history, deadline, actions = closed_loop(
            status, severity, source, reported_at, max(as_of, reported_at), self.rng
        )
        self.out.write(
            "incidents",
            incident_id=incident_id,
            category=category,
            severity=severity,
            status=status,
            reported_at=reported_at.isoformat(),
            building_id=building.id,
            grid_id=building.grid_id,
            description=description,
            source=source,
            device_id=device_id,
            deadline_at=deadline,
            history=history,
        )
        if resident_id and category in PERSONAL_CATEGORIES:
            self.out.link(incident_id, "INVOLVES", resident_id, "party", "")
        if Action.DISPATCH in actions:
            self.out.link(incident_id, "ASSIGNED_TO", building.manager, "", "")
        assert IncidentCategory(category)

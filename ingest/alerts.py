"""Device alerts → Incidents linked to the device and its building. Repeated alerts from one
device within the folding window join that device's open incident instead of opening another."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from graph.filters import Condition, Op
from graph.model import EdgeType, Incident, Label
from graph.model.enums import IncidentCategory, IncidentSource, Severity
from graph.model.validators import Timestamp, format_timestamp
from graph.port import Listing, RecordStore
from graph.records import Direction, Edge, NodeRef, Provenance
from graph.workflow import OPEN_STATES, report_step
from ingest.errors import AlertError
from ingest.mapping.rows import natural_id

FIELDS = frozenset(Incident.model_fields)
# Alerts an incident remembers to recognise a resend (a gateway retrying after a timeout).
RECENT_ALERTS = 100
# Alert kinds devices send, and the incident each one means.
ALERT_CATEGORIES: dict[str, tuple[IncidentCategory, Severity]] = {
    "smoke": (IncidentCategory.FIRE, Severity.HIGH),
    "fire": (IncidentCategory.FIRE, Severity.CRITICAL),
    "gas": (IncidentCategory.GAS_LEAK, Severity.CRITICAL),
    "gas_leak": (IncidentCategory.GAS_LEAK, Severity.CRITICAL),
    "power_outage": (IncidentCategory.POWER_OUTAGE, Severity.HIGH),
    "voltage": (IncidentCategory.POWER_OUTAGE, Severity.MEDIUM),
    "water_outage": (IncidentCategory.WATER_OUTAGE, Severity.MEDIUM),
    "water_leak": (IncidentCategory.FLOOD, Severity.MEDIUM),
    "pressure": (IncidentCategory.WATER_OUTAGE, Severity.MEDIUM),
    "elevator_entrapment": (IncidentCategory.ELEVATOR_ENTRAPMENT, Severity.HIGH),
    "elevator_fault": (IncidentCategory.BUILDING_SAFETY, Severity.MEDIUM),
    "intrusion": (IncidentCategory.PUBLIC_SECURITY, Severity.MEDIUM),
}


class Alert(BaseModel):
    """One alert as a device gateway posts it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    device_id: str = Field(min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=40)
    reading: float | None = None
    at: Timestamp = Field(validation_alias=AliasChoices("at", "time"))  # gateways say either


class AlertStore(RecordStore, Listing, Protocol):
    """What folding alerts into incidents asks of the store."""


@dataclass
class AlertOutcome:
    incident_id: str
    created: bool
    alerts: int  # alerts of the request that joined the incident, resends included
    resent: int = 0  # of those, alerts it already held (counted once, at their first arrival)


def ingest_alerts(
    store: AlertStore, alerts: list[Alert], provenance: Provenance, window: timedelta
) -> list[AlertOutcome]:
    """Validate every alert against the graph first; then write all of them, or none."""
    problems: list[dict[str, object]] = []
    for i, alert in enumerate(alerts):
        if alert.kind.lower() not in ALERT_CATEGORIES:
            known = ", ".join(sorted(ALERT_CATEGORIES))
            problems.append({"loc": [i, "kind"], "msg": f"unknown alert kind (known: {known})"})
    refs = sorted({NodeRef(Label.DEVICE, a.device_id) for a in alerts})
    found = store.get_nodes(refs)
    for i, alert in enumerate(alerts):
        if NodeRef(Label.DEVICE, alert.device_id) not in found:
            problems.append({"loc": [i, "device_id"], "msg": f"unknown device {alert.device_id}"})
    if problems:
        raise AlertError(problems)
    buildings = store.related(refs, EdgeType.INSTALLED_IN, Direction.OUT, Label.BUILDING)
    open_now = _open_incidents(store, refs)
    opened_before = _incidents_opened_by(store, alerts)
    by_device: dict[str, list[Alert]] = defaultdict(list)
    for alert in sorted(alerts, key=lambda a: a.at):
        by_device[alert.device_id].append(alert)
    incidents: dict[str, Incident] = {}
    created: set[str] = set()
    counts: dict[str, int] = defaultdict(int)
    resent: dict[str, int] = defaultdict(int)
    edges: list[Edge] = []
    for device_id, device_alerts in by_device.items():
        device = NodeRef(Label.DEVICE, device_id)
        current = open_now.get(device_id)
        for alert in device_alerts:
            key = _alert_key(alert)
            if current is not None and key in (current.recent_alerts or ()):
                target = current
                resent[target.id] += 1
            elif current is not None and _within(current, alert.at, window):
                target = current = current.model_copy(
                    update={
                        "alert_count": (current.alert_count or 1) + 1,
                        "last_alert_at": max(alert.at, current.last_alert_at or alert.at),
                        "last_reading": alert.reading,
                        "recent_alerts": [*(current.recent_alerts or ()), key][-RECENT_ALERTS:],
                    }
                )
            else:
                fresh = _new_incident(alert)
                earlier = opened_before.get(fresh.id)
                if earlier is not None:  # this alert opened an incident before: a resend
                    target = earlier
                    resent[target.id] += 1
                else:
                    target = fresh
                    created.add(target.id)
                # Its relationships again (unchanged when stored), should a failed request
                # have stored the incident without them.
                own = NodeRef(Label.INCIDENT, target.id)
                edges.append(Edge(EdgeType.RAISED_BY, own, device))
                for item in buildings[device].items:
                    edges.append(Edge(EdgeType.OCCURRED_AT, own, item.node.ref))
                # A closed or void incident takes no more alerts.
                current = target if target.status in OPEN_STATES else None
            incidents[target.id] = target
            counts[target.id] += 1
    # Nodes, then edges: a retry after a failure between the two finds the new incidents'
    # alerts resent (same ids) and writes the missing relationships.
    store.upsert_nodes(list(incidents.values()), provenance)
    if edges:
        store.upsert_edges(edges, provenance)
    return [AlertOutcome(i, i in created, counts[i], resent[i]) for i in incidents]


def _incident_id(alert: Alert) -> str:
    """The id of the incident an alert opens: its device and time."""
    return natural_id("I", alert.device_id, format_timestamp(alert.at))


def _alert_key(alert: Alert) -> str:
    """What makes two alerts of one device the same alert: its kind and time."""
    return f"{alert.kind.lower()}@{format_timestamp(alert.at)}"


def _within(incident: Incident, at: datetime, window: timedelta) -> bool:
    last = incident.last_alert_at or incident.reported_at
    return abs(at - last) <= window


def _new_incident(alert: Alert) -> Incident:
    category, severity = ALERT_CATEGORIES[alert.kind.lower()]
    reading = f", reading {alert.reading:g}" if alert.reading is not None else ""
    return Incident(
        id=_incident_id(alert),
        category=category,
        severity=severity,
        reported_at=alert.at,
        source=IncidentSource.DEVICE_ALERT,
        description=f"Device {alert.device_id} alert: {alert.kind}{reading}",
        alert_count=1,
        last_alert_at=alert.at,
        last_reading=alert.reading,
        recent_alerts=[_alert_key(alert)],
        history=[report_step(f"device {alert.device_id}", alert.at, alert.kind)],
    )


def _open_incidents(store: AlertStore, devices: list[NodeRef]) -> dict[str, Incident]:
    """Each device's most recent open incident raised by it."""
    pages = store.related(
        devices,
        EdgeType.RAISED_BY,
        Direction.IN,
        Label.INCIDENT,
        Condition("status", Op.IN, sorted(s.value for s in OPEN_STATES)),
    )
    latest: dict[str, Incident] = {}
    for device, page in pages.items():
        candidates = [_incident(i.node.id, i.node.props) for i in page.items]
        if candidates:
            latest[device.id] = max(candidates, key=lambda c: c.last_alert_at or c.reported_at)
    return latest


def _incidents_opened_by(store: AlertStore, alerts: list[Alert]) -> dict[str, Incident]:
    """Stored incidents that these alerts would open (by id): whatever their state now, such
    an alert was sent before."""
    ids = sorted({_incident_id(a) for a in alerts})
    found = store.get_nodes([NodeRef(Label.INCIDENT, i) for i in ids])
    return {ref.id: _incident(ref.id, record.props) for ref, record in found.items()}


def _incident(node_id: str, props: dict[str, object]) -> Incident:
    return Incident.model_validate(
        {"id": node_id, **{k: v for k, v in props.items() if k in FIELDS}}
    )

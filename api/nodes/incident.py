"""Incident: an event of the community (事) and its closed loop (GB/T 30428)."""

from __future__ import annotations

import json
from typing import Any

import strawberry

from api.enums import IncidentStatus
from api.nodes.base import Node, connection, enum_or_none, node_type, to_one
from graph.model import EdgeType as E
from graph.model import Label
from graph.records import Direction, NodeRecord
from graph.workflow import is_overdue

OUT, IN = Direction.OUT, Direction.IN
L = Label


@strawberry.type(description="One step of the closed loop: who did what, when, and why.")
class IncidentStep:
    at: str
    actor: str
    action: str
    from_status: IncidentStatus | None
    to_status: IncidentStatus
    note: str | None


def steps(text: str | None) -> list[IncidentStep]:
    """The stored history (JSON text) as steps."""
    return [
        IncidentStep(
            at=s["at"],
            actor=s["actor"],
            action=s["action"],
            from_status=enum_or_none(IncidentStatus, s.get("from_status")),
            to_status=IncidentStatus(s["to_status"]),
            note=s.get("note"),
        )
        for s in (json.loads(text) if text else [])
    ]


def _computed(record: NodeRecord) -> dict[str, Any]:
    return {"history": steps(record.props.get("history")), "overdue": is_overdue(record.props)}


@node_type(L.INCIDENT, _computed)
class Incident(Node):
    history: list[IncidentStep]
    overdue: bool = strawberry.field(description="Open and past its deadline (超时).")

    building = to_one(
        E.OCCURRED_AT,
        OUT,
        L.BUILDING,
        description="The building where it happened, if recorded at a building.",
    )

    grid = to_one(
        E.OCCURRED_AT, OUT, L.GRID, description="The grid where it happened, if recorded at a grid."
    )

    involves = connection(E.INVOLVES, OUT, L.RESIDENT, description="Residents involved.")

    involved_organisations = connection(
        E.INVOLVES, OUT, L.ORGANISATION, description="Organisations involved."
    )

    involved_devices = connection(E.INVOLVES, OUT, L.DEVICE, description="Devices involved.")

    raised_by = to_one(E.RAISED_BY, OUT, L.DEVICE, description="The device whose alert raised it.")

    assigned_to = to_one(
        E.ASSIGNED_TO, OUT, L.ORGANISATION, description="The organisation it is dispatched to."
    )

    petitions = connection(E.REPORTS, IN, L.PETITION, description="Petitions that reported it.")

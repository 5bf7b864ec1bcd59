"""The incident closed loop (GB/T 30428): accept → register → dispatch → handle → verify →
close, with void, hold and supervise on the side. Every step is a version-checked write that
appends who, when, from, to and a note to the incident's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from graph.errors import InvalidInputError, NotFoundError, TransitionError, UnknownReferenceError
from graph.filters import All, Condition, Filter, Op
from graph.model import EdgeType, Incident, IncidentStatus, Label, Severity
from graph.model.nodes import IncidentStep
from graph.model.validators import format_timestamp
from graph.port import RecordStore
from graph.records import Edge, NodeRecord, NodeRef, Provenance

S = IncidentStatus


class Action(StrEnum):
    REPORT = "report"  # 上报 (the first step of every incident)
    ACCEPT = "accept"  # 受理
    REGISTER = "register"  # 立案
    DISPATCH = "dispatch"  # 派遣
    HANDLE = "handle"  # 处置
    VERIFY = "verify"  # 核查
    CLOSE = "close"  # 结案
    VOID = "void"  # 作废
    HOLD = "hold"  # 挂账
    SUPERVISE = "supervise"  # 督查
    RESUME = "resume"  # 恢复 (from hold)


TRANSITIONS: dict[S, dict[Action, S]] = {
    S.REPORTED: {Action.ACCEPT: S.ACCEPTED, Action.VOID: S.VOID},
    S.ACCEPTED: {Action.REGISTER: S.REGISTERED, Action.VOID: S.VOID},
    S.REGISTERED: {Action.DISPATCH: S.DISPATCHED, Action.HOLD: S.ON_HOLD, Action.VOID: S.VOID},
    S.DISPATCHED: {
        Action.HANDLE: S.HANDLED,
        Action.HOLD: S.ON_HOLD,
        Action.SUPERVISE: S.SUPERVISED,
    },
    S.SUPERVISED: {Action.HANDLE: S.HANDLED, Action.DISPATCH: S.DISPATCHED},
    S.HANDLED: {Action.VERIFY: S.VERIFIED, Action.DISPATCH: S.DISPATCHED},  # failed check
    S.VERIFIED: {Action.CLOSE: S.CLOSED},
    S.ON_HOLD: {Action.RESUME: S.REGISTERED, Action.VOID: S.VOID},
    S.CLOSED: {},
    S.VOID: {},
}
OPEN_STATES = frozenset(S) - {S.CLOSED, S.VOID}
# Time allowed from registration (立案) to closure, by severity.
DEADLINES = {
    Severity.CRITICAL: timedelta(days=1),
    Severity.HIGH: timedelta(days=3),
    Severity.MEDIUM: timedelta(days=7),
    Severity.LOW: timedelta(days=15),
}


def allowed_actions(status: S) -> list[Action]:
    return list(TRANSITIONS[S(status)])


def _allowed_text(status: S) -> str:
    return ", ".join(a.value for a in TRANSITIONS[S(status)]) or "none (final state)"


def report_step(actor: str, at: datetime, note: str | None = None) -> IncidentStep:
    """The first step of every incident's history: it was reported (上报)."""
    return IncidentStep(
        at=at, actor=actor, action=Action.REPORT, from_status=None, to_status=S.REPORTED, note=note
    )


def check_status_write(incident: Incident, stored: dict[str, object] | None) -> None:
    """An incident's status changes only through the workflow actions: a new incident starts
    REPORTED, and a write of a stored one keeps its status. Raises TransitionError naming the
    actions allowed instead."""
    if stored is None:
        if incident.status != S.REPORTED:
            raise TransitionError(
                f"status: a new incident starts reported, not {incident.status}; "
                "report it, then use the workflow actions"
            )
        return
    current = S(str(stored["status"]))
    if incident.status != current:
        raise TransitionError(
            f"status: changes only through the workflow actions; the incident is {current}, "
            f"allowed: {_allowed_text(current)}"
        )


def overdue_filter(now: datetime | None = None) -> Filter:
    """Open incidents whose deadline has passed."""
    moment = format_timestamp(now or datetime.now(UTC))
    return All(
        (
            Condition("deadline_at", Op.LT, moment),
            Condition("status", Op.IN, sorted(s.value for s in OPEN_STATES)),
        )
    )


def is_overdue(props: dict[str, object], now: datetime | None = None) -> bool:
    deadline = props.get("deadline_at")
    moment = format_timestamp(now or datetime.now(UTC))
    return bool(deadline) and str(deadline) < moment and props.get("status") in OPEN_STATES


def transition(
    store: RecordStore,
    incident_id: str,
    action: Action,
    actor: str,
    note: str | None = None,
    assignee: NodeRef | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> NodeRecord:
    """Apply one workflow action; raises TransitionError, NotFoundError or a version conflict."""
    ref = NodeRef(Label.INCIDENT, incident_id)
    record = store.get_nodes([ref]).get(ref)
    if record is None:
        raise NotFoundError(f"{ref} does not exist")
    current = S(record.props["status"])
    target = TRANSITIONS[current].get(Action(action))
    if target is None:
        raise TransitionError(
            f"cannot {action} an incident that is {current}; allowed: {_allowed_text(current)}"
        )
    if action == Action.DISPATCH:
        if assignee is None or assignee.label != Label.ORGANISATION:
            raise InvalidInputError(["assignee: dispatch needs an organisation"])
        if assignee not in store.get_nodes([assignee]):
            raise UnknownReferenceError([f"assignee: {assignee} does not exist"])
    moment = now or datetime.now(UTC)
    incident = Incident.model_validate(
        {k: v for k, v in record.props.items() if k in Incident.model_fields} | {"id": ref.id}
    )
    step = IncidentStep(
        at=moment, actor=actor, action=action, from_status=current, to_status=target, note=note
    )
    changes: dict[str, object] = {"status": target, "history": [*incident.history, step]}
    if action == Action.REGISTER:
        changes["deadline_at"] = moment + DEADLINES[Severity(incident.severity)]
    updated = incident.model_copy(update=changes)
    version = expected_version if expected_version is not None else record.props.get("version")
    provenance = Provenance("api", actor)
    stored, _ = store.upsert_node(updated, provenance, expected_version=version)
    if action == Action.DISPATCH and assignee is not None:
        store.upsert_edges([Edge(EdgeType.ASSIGNED_TO, ref, assignee)], provenance)
    return stored

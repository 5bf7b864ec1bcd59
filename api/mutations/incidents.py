"""The incident closed loop in GraphQL: report, then one mutation per workflow action."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.enums import IncidentCategory, IncidentSource, Severity
from api.mutations.nodes import NodePayload, UserError, provenance
from api.nodes.registry import to_graphql
from graph.errors import (
    InvalidInputError,
    NotFoundError,
    TransitionError,
    UnknownReferenceError,
    VersionConflictError,
)
from graph.model import EdgeType, Incident, Label
from graph.records import Edge, NodeRef
from graph.workflow import Action, report_step, transition

IncidentAction = strawberry.enum(Action, name="IncidentAction")


@strawberry.input(description="A new incident (上报): what, how bad, where.")
class ReportIncidentInput:
    category: IncidentCategory
    severity: Severity = Severity.MEDIUM
    description: str | None = None
    source: IncidentSource = IncidentSource.OTHER
    place: strawberry.ID = strawberry.field(description="A Building or Grid id.")


def _error(path: str, exc: Exception, code: str) -> NodePayload:
    return NodePayload(
        node=None, created=False, errors=[UserError(path=[path], message=str(exc), code=code)]
    )


async def report(info: Info[Context, None], value: ReportIncidentInput) -> NodePayload:
    try:
        place = NodeRef.parse(str(value.place))
    except ValueError as exc:
        return _error("input.place", exc, "INVALID_INPUT")
    if place.label not in (Label.BUILDING, Label.GRID):
        return _error("input.place", ValueError("must be a Building or Grid id"), "INVALID_INPUT")
    store = info.context.store
    if place not in await asyncio.to_thread(store.get_nodes, [place]):
        return _error("input.place", ValueError(f"{place} does not exist"), "UNKNOWN_REFERENCE")
    now = datetime.now(UTC)
    incident = Incident(
        id=f"INC-{uuid.uuid4().hex[:16]}",
        category=value.category.value,
        severity=value.severity.value,
        description=value.description,
        source=value.source.value,
        reported_at=now,
        history=[report_step(info.context.actor, now)],
    )
    prov = provenance(info)
    record, _ = await asyncio.to_thread(store.upsert_node, incident, prov)
    await asyncio.to_thread(
        store.upsert_edges, [Edge(EdgeType.OCCURRED_AT, record.ref, place)], prov
    )
    return NodePayload(node=to_graphql(record), created=True, errors=[])


async def act(
    info: Info[Context, None],
    action: Action,
    id: strawberry.ID,
    note: str | None,
    expected_version: int | None,
    assignee: strawberry.ID | None = None,
) -> NodePayload:
    try:
        ref = NodeRef.parse(str(id))
        target = NodeRef.parse(str(assignee)) if assignee else None
    except ValueError as exc:
        return _error("id", exc, "INVALID_INPUT")
    if ref.label != Label.INCIDENT:
        return _error("id", ValueError("must be an Incident id"), "INVALID_INPUT")
    try:
        record = await asyncio.to_thread(
            transition,
            info.context.store,
            ref.id,
            action,
            info.context.actor,
            note,
            target,
            expected_version,
        )
    except NotFoundError as exc:
        return _error("id", exc, "NOT_FOUND")
    except TransitionError as exc:
        return _error("id", exc, "TRANSITION_NOT_ALLOWED")
    except VersionConflictError as exc:
        return _error("expectedVersion", exc, "VERSION_CONFLICT")
    except UnknownReferenceError as exc:
        return _error(
            "assignee", ValueError(exc.problems[0].split(": ", 1)[-1]), "UNKNOWN_REFERENCE"
        )
    except InvalidInputError as exc:
        return _error("assignee", ValueError(exc.problems[0].split(": ", 1)[-1]), "INVALID_INPUT")
    return NodePayload(node=to_graphql(record), created=False, errors=[])


def _action_field(action: Action, description: str) -> Any:
    async def resolve(
        info: Any,
        id: Any,
        note: Any = None,
        expected_version: Any = None,
    ) -> Any:
        return await act(info, action, id, note, expected_version)

    resolve.__annotations__ = {
        "info": Info[Context, None],
        "id": strawberry.ID,
        "note": str | None,
        "expected_version": int | None,
        "return": NodePayload,
    }
    return strawberry.mutation(resolver=resolve, description=description)


@strawberry.type
class IncidentMutation:
    @strawberry.mutation(description="Report a new incident (上报) at a building or grid.")
    async def report_incident(
        self, info: Info[Context, None], input: ReportIncidentInput
    ) -> NodePayload:
        return await report(info, input)

    @strawberry.mutation(description="Dispatch (派遣) to an organisation.")
    async def dispatch_incident(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        assignee: strawberry.ID,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> NodePayload:
        return await act(info, Action.DISPATCH, id, note, expected_version, assignee)

    accept_incident = _action_field(Action.ACCEPT, "Accept (受理) a reported incident.")
    register_incident = _action_field(
        Action.REGISTER, "Register (立案); sets the deadline by severity."
    )
    handle_incident = _action_field(Action.HANDLE, "Record handling (处置).")
    verify_incident = _action_field(Action.VERIFY, "Verify (核查) the handling.")
    close_incident = _action_field(Action.CLOSE, "Close (结案).")
    void_incident = _action_field(Action.VOID, "Void (作废).")
    hold_incident = _action_field(Action.HOLD, "Put on hold (挂账).")
    supervise_incident = _action_field(Action.SUPERVISE, "Put under supervision (督查).")
    resume_incident = _action_field(Action.RESUME, "Resume an incident on hold.")

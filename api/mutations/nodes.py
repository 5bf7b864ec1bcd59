"""Mutations: upsert per node type, delete, link/unlink; typed errors naming input path and
reason; optimistic concurrency through `expectedVersion`; every change records its event."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Annotated, Any

import strawberry
from pydantic import ValidationError
from strawberry.experimental import pydantic as strawberry_pydantic
from strawberry.types import Info

from api.context import Context
from api.nodes import Node
from api.nodes.registry import to_graphql
from graph import model
from graph.errors import (
    DuplicateError,
    InvalidInputError,
    NotFoundError,
    TransitionError,
    UnknownReferenceError,
    VersionConflictError,
)
from graph.model import EdgeType
from graph.model.fields import camel
from graph.records import Edge, NodeRef, Provenance
from graph.workflow import check_status_write, report_step

RelationshipType = EdgeType  # strawberry.enum marks the class itself and returns it
strawberry.enum(RelationshipType, name="RelationshipType")
FromId = Annotated[strawberry.ID, strawberry.argument(name="from")]


@strawberry.type(description="Why a mutation did not happen: the input path and the reason.")
class UserError:
    path: list[str]
    message: str
    code: str  # INVALID_INPUT, VERSION_CONFLICT, NOT_FOUND, UNKNOWN_REFERENCE, DUPLICATE,
    # TRANSITION_NOT_ALLOWED


@strawberry.type
class NodePayload:
    node: Node | None
    created: bool
    errors: list[UserError]


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class LinkPayload:
    changed: bool
    errors: list[UserError]


@strawberry.input(description="Relationship properties; each applies to some types only.")
class RelationshipPropertiesInput:
    role: str | None = None
    unit: str | None = None
    room: str | None = None
    since: date | None = None
    distance_m: float | None = None
    confidence: float | None = None
    span: str | None = None


def validation_errors(exc: ValidationError, root: str) -> list[UserError]:
    errors = []
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        message = re.sub(r"^Value error, ", "", err["msg"])
        # Model-level checks name their fields in the message: "a: why; b: why".
        parts = [re.match(r"^([a-z_/]+): (.*)$", p) for p in message.split("; ")] if not loc else []
        if parts and all(parts):
            for part in parts:
                assert part
                path = [root, camel(part.group(1).split("/")[0])]
                errors.append(UserError(path=path, message=part.group(2), code="INVALID_INPUT"))
            continue
        errors.append(
            UserError(path=[root, *(camel(p) for p in loc)], message=message, code="INVALID_INPUT")
        )
    return errors


def provenance(info: Info[Context, None]) -> Provenance:
    return Provenance("api", info.context.actor)


def _input(model_type: type[model.Node]) -> Any:
    """An input type with every field of the model except those the product manages itself."""
    name = f"{model_type.__name__}Input"
    managed = model_type.managed_fields
    if not managed:
        return strawberry_pydantic.input(model=model_type, all_fields=True, name=name)(
            type(name, (), {})
        )
    fields = {f: strawberry.auto for f in model_type.model_fields if f not in managed}
    return strawberry_pydantic.input(model=model_type, name=name)(
        type(name, (), {"__annotations__": fields})
    )


ResidentInput = _input(model.Resident)
HouseholdInput = _input(model.Household)
BuildingInput = _input(model.Building)
GridInput = _input(model.Grid)
OrganisationInput = _input(model.Organisation)
DeviceInput = _input(model.Device)
IncidentInput = _input(model.Incident)
PetitionInput = _input(model.Petition)


async def upsert(
    info: Info[Context, None], value: Any, expected_version: int | None
) -> NodePayload:
    try:
        node = value.to_pydantic()
    except ValidationError as exc:
        return NodePayload(node=None, created=False, errors=validation_errors(exc, "input"))
    keep = kept_fields(node)
    if isinstance(node, model.Incident):
        try:
            node, keep = await asyncio.to_thread(_incident_write, info, node, keep)
        except TransitionError as exc:
            return NodePayload(
                node=None,
                created=False,
                errors=[
                    UserError(
                        path=["input", "status"],
                        message=str(exc).removeprefix("status: "),
                        code="TRANSITION_NOT_ALLOWED",
                    )
                ],
            )
    if isinstance(node, model.Resident) and node.id_number:
        holder = await asyncio.to_thread(_id_number_holder, info, node)
        if holder is not None:
            return _duplicate(f"belongs to {holder} already: one ID number, one resident")
    try:
        record, created = await asyncio.to_thread(
            info.context.store.upsert_node,
            node,
            provenance(info),
            expected_version,
            keep=keep,
        )
    except VersionConflictError as exc:
        return NodePayload(
            node=None,
            created=False,
            errors=[UserError(path=["expectedVersion"], message=str(exc), code="VERSION_CONFLICT")],
        )
    except DuplicateError:  # another writer stored the same ID number meanwhile
        return _duplicate("belongs to another resident already: one ID number, one resident")
    return NodePayload(node=to_graphql(record), created=created, errors=[])


def _id_number_holder(info: Info[Context, None], resident: model.Resident) -> str | None:
    """The global id of another resident holding this resident's ID number, if any."""
    assert resident.id_number
    found = info.context.store.residents_by_id_number([resident.id_number])
    holder = found.get(resident.id_number)
    return f"Resident:{holder}" if holder and holder != resident.id else None


def _duplicate(message: str) -> NodePayload:
    error = UserError(path=["input", "idNumber"], message=message, code="DUPLICATE")
    return NodePayload(node=None, created=False, errors=[error])


def _incident_write(
    info: Info[Context, None], incident: model.Incident, keep: frozenset[str]
) -> tuple[model.Incident, frozenset[str]]:
    """Refuse a status change that bypasses the workflow; a new incident's history starts
    with its report (written, where a stored incident's history is kept)."""
    ref = NodeRef(model.Label.INCIDENT, incident.id)
    stored = info.context.store.get_nodes([ref]).get(ref)
    check_status_write(incident, stored.props if stored else None)
    if stored is None:
        step = report_step(info.context.actor, incident.reported_at)
        return incident.model_copy(update={"history": [step]}), keep - {"history"}
    return incident, keep


def kept_fields(node: model.Node) -> frozenset[str]:
    """What an API upsert leaves as stored: the fields only the product writes, and personal
    fields the input leaves empty (the API never returns them, so a caller editing a node
    could not send them back; leaving them out must not erase them)."""
    empty = {f for f in node.sensitive_fields if getattr(node, f) in (None, [])}
    return node.managed_fields | empty


def _upsert_field(input_type: Any, description: str) -> Any:
    async def resolve(info: Any, input: Any, expected_version: Any = None) -> Any:
        return await upsert(info, input, expected_version)

    # Real types, not strings: the input type is only known in this closure.
    resolve.__annotations__ = {
        "info": Info[Context, None],
        "input": input_type,
        "expected_version": int | None,
        "return": NodePayload,
    }
    return strawberry.mutation(resolver=resolve, description=description)


def _refs(source: strawberry.ID, target: strawberry.ID) -> tuple[NodeRef, NodeRef]:
    try:
        source_ref = NodeRef.parse(str(source))
    except ValueError as exc:
        raise InvalidInputError([f"from: {exc}"]) from None
    try:
        return source_ref, NodeRef.parse(str(target))
    except ValueError as exc:
        raise InvalidInputError([f"to: {exc}"]) from None


def _problems(problems: list[str], code: str) -> list[UserError]:
    errors = []
    for problem in problems:
        where, _, reason = problem.partition(": ")
        path = [camel(p) for p in re.sub(r"^edges\[0\]\.", "", where).split(".")]
        renamed = {"source": "from", "target": "to", "props": "properties"}
        path = [renamed.get(p, p) for p in path]
        errors.append(UserError(path=path, message=reason or problem, code=code))
    return errors


@strawberry.type
class Mutation:
    upsert_resident = _upsert_field(ResidentInput, "Create or update a resident by id.")
    upsert_household = _upsert_field(HouseholdInput, "Create or update a household by id.")
    upsert_building = _upsert_field(BuildingInput, "Create or update a building by id.")
    upsert_grid = _upsert_field(GridInput, "Create or update a grid by id.")
    upsert_organisation = _upsert_field(
        OrganisationInput, "Create or update an organisation by id."
    )
    upsert_device = _upsert_field(DeviceInput, "Create or update a device by id.")
    upsert_incident = _upsert_field(IncidentInput, "Create or update an incident by id.")
    upsert_petition = _upsert_field(PetitionInput, "Create or update a petition by id.")

    @strawberry.mutation(description="Delete a node and its relationships.")
    async def delete_node(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        expected_version: int | None = None,
    ) -> DeletePayload:
        try:
            ref = NodeRef.parse(str(id))
            await asyncio.to_thread(
                info.context.store.delete_node, ref, provenance(info), expected_version
            )
        except ValueError as exc:
            return DeletePayload(
                deleted_id=None,
                errors=[UserError(path=["id"], message=str(exc), code="INVALID_INPUT")],
            )
        except NotFoundError as exc:
            return DeletePayload(
                deleted_id=None, errors=[UserError(path=["id"], message=str(exc), code="NOT_FOUND")]
            )
        except VersionConflictError as exc:
            return DeletePayload(
                deleted_id=None,
                errors=[
                    UserError(path=["expectedVersion"], message=str(exc), code="VERSION_CONFLICT")
                ],
            )
        return DeletePayload(deleted_id=id, errors=[])

    @strawberry.mutation(description="Create or update a relationship between two nodes.")
    async def link(
        self,
        info: Info[Context, None],
        type: RelationshipType,
        from_: FromId,
        to: strawberry.ID,
        properties: RelationshipPropertiesInput | None = None,
    ) -> LinkPayload:
        props = {k: v for k, v in vars(properties).items() if v is not None} if properties else {}
        try:
            source, target = _refs(from_, to)
            result = await asyncio.to_thread(
                info.context.store.upsert_edges,
                [Edge(EdgeType(type), source, target, props)],
                provenance(info),
            )
        except UnknownReferenceError as exc:
            return LinkPayload(changed=False, errors=_problems(exc.problems, "UNKNOWN_REFERENCE"))
        except InvalidInputError as exc:
            return LinkPayload(changed=False, errors=_problems(exc.problems, "INVALID_INPUT"))
        return LinkPayload(changed=bool(result.created or result.updated), errors=[])

    @strawberry.mutation(description="Remove a relationship between two nodes.")
    async def unlink(
        self,
        info: Info[Context, None],
        type: RelationshipType,
        from_: FromId,
        to: strawberry.ID,
    ) -> LinkPayload:
        try:
            source, target = _refs(from_, to)
        except InvalidInputError as exc:
            return LinkPayload(changed=False, errors=_problems(exc.problems, "INVALID_INPUT"))
        removed = await asyncio.to_thread(
            info.context.store.delete_edge, EdgeType(type), source, target, provenance(info)
        )
        return LinkPayload(changed=removed > 0, errors=[])

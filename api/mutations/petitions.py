"""`submitPetition`: a petition stored with what its text says (category, nature, entities
linked to the graph) and the incident it raised or joined, all in the reply."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from api.auth.principal import Role
from api.context import Context
from api.enums import PetitionChannel
from api.mutations.nodes import UserError, provenance
from api.nodes import Node
from api.nodes.petition import Classification, ExtractedEntity, extracted_entities
from api.nodes.registry import to_graphql
from graph.model import Label, Petition
from graph.records import NodeRef
from nlp.petitions import Processed, entity_records
from nlp.pipeline import TextError, check_text


@strawberry.input(description="A petition as a resident or a hotline operator submits it.")
class SubmitPetitionInput:
    text: str
    title: str | None = None
    channel: PetitionChannel | None = None
    submitted_at: datetime | None = strawberry.field(
        default=None, description="When it was submitted (default: now)."
    )
    submitter: strawberry.ID | None = strawberry.field(
        default=None,
        description="The submitting Resident's id; a resident submits as themselves; null: "
        "anonymous.",
    )


@strawberry.type
class SubmitPetitionPayload:
    petition: Node | None
    category: Classification | None
    nature: Classification | None
    entities: list[ExtractedEntity]
    incident: Node | None = strawberry.field(description="The incident it raised or joined.")
    joined_incident: bool = strawberry.field(
        description="True when it joined an open incident rather than raising one."
    )
    errors: list[UserError]


def _refused(path: str, message: str, code: str) -> SubmitPetitionPayload:
    return SubmitPetitionPayload(
        petition=None,
        category=None,
        nature=None,
        entities=[],
        incident=None,
        joined_incident=False,
        errors=[UserError(path=[path], message=message, code=code)],
    )


async def _submitter(info: Info[Context, None], given: str | None) -> str | None:
    """The submitter's resident id; ValueError naming why it cannot be this one."""
    principal = info.context.principal
    if principal is not None and principal.role == Role.RESIDENT:
        if given is not None and NodeRef.parse(given).id != principal.sub:
            raise PermissionError("a resident submits petitions as themselves")
        given = f"{Label.RESIDENT.value}:{principal.sub}"
    if given is None:
        return None
    ref = NodeRef.parse(given)
    if ref.label != Label.RESIDENT:
        raise ValueError("must be a Resident id")
    if ref not in await asyncio.to_thread(info.context.store.get_nodes, [ref]):
        raise LookupError(f"{ref} does not exist")
    return ref.id


async def submit(info: Info[Context, None], value: SubmitPetitionInput) -> SubmitPetitionPayload:
    service = info.context.petitions
    if service is None:
        return _refused("input", "petition extraction is off (CIVICGRAPH_NLP)", "UNAVAILABLE")
    try:
        check_text(value.text)
    except TextError as exc:
        return _refused("input.text", str(exc).removeprefix("text: "), "INVALID_INPUT")
    try:
        submitter = await _submitter(info, str(value.submitter) if value.submitter else None)
    except PermissionError as exc:
        return _refused("input.submitter", str(exc), "FORBIDDEN")
    except LookupError as exc:
        return _refused("input.submitter", str(exc), "UNKNOWN_REFERENCE")
    except ValueError as exc:
        return _refused("input.submitter", str(exc), "INVALID_INPUT")
    try:
        petition = Petition(
            id=f"PET-{uuid.uuid4().hex[:16]}",
            text=value.text,
            title=value.title,
            channel=value.channel.value if value.channel else None,
            submitted_at=value.submitted_at or datetime.now(UTC),
        )
    except ValueError as exc:
        return _refused("input", str(exc), "INVALID_INPUT")
    done: Processed = (
        await asyncio.to_thread(service.process, [petition], [submitter], provenance(info))
    )[0]
    records = await info.context.loaders.nodes.load_many(
        [NodeRef(Label.PETITION, petition.id), *([done.incident] if done.incident else [])]
    )
    stored, incident = records[0], (records[1] if len(records) > 1 else None)
    x = done.extraction
    return SubmitPetitionPayload(
        petition=to_graphql(stored) if stored is not None else None,
        category=Classification(label=x.category[0], confidence=x.category[1])
        if x.category
        else None,
        nature=Classification(label=x.nature[0], confidence=x.nature[1]) if x.nature else None,
        entities=extracted_entities(json.dumps(entity_records(done.links))),
        incident=to_graphql(incident) if incident is not None else None,
        joined_incident=done.joined,
        errors=[],
    )


@strawberry.type
class PetitionMutation:
    @strawberry.mutation(
        description="Store a petition and read it: its department category and nature, the "
        "places, organisations, people and facilities it names linked to the graph, and the "
        "incident it raised or joined (one incident, many petitions)."
    )
    async def submit_petition(
        self, info: Info[Context, None], input: SubmitPetitionInput
    ) -> SubmitPetitionPayload:
        return await submit(info, input)

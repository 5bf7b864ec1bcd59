"""Petition: what a resident asks or reports (民情诉求), and what its text names.

The text is shown with ID and phone numbers masked; `textUnmasked` shows it whole to a caller
who may read residents' phone numbers, and the read is audited. What extraction found is shown
as `category`, `natureConfidence`, `language` and `entities` (each with the node it is linked
to, when the caller may see that node)."""

from __future__ import annotations

import json
from typing import Any

import strawberry
from strawberry.types import Info

from api.auth.purpose import Purpose
from api.nodes.base import Node, connection, node_type, to_one
from api.nodes.personal import PersonalRead, personal_reason
from api.nodes.registry import to_graphql
from api.nodes.related import many
from api.pagination import Connection
from graph.model import EdgeType as E
from graph.model import Label
from graph.model.personal_text import masked
from graph.records import Direction, NodeRecord, NodeRef, RelatedItem

OUT = Direction.OUT
L = Label


@strawberry.type(description="One entity named in a petition, with where and how surely.")
class Mention:
    node: Node
    confidence: float = strawberry.field(description="0 to 1: how sure the extraction is.")
    span: str | None = strawberry.field(description="The words of the text that name it.")
    label: str | None = strawberry.field(description="PLACE, ORG, PERSON or FACILITY.")
    status: str | None = strawberry.field(
        description="LINKED (asserted) or PROPOSED (for a person to confirm)."
    )


def _mention(item: RelatedItem) -> Mention:
    props = item.edge_props
    return Mention(
        node=to_graphql(item.node),
        confidence=float(props.get("confidence", 0.0)),
        span=props.get("span"),
        label=props.get("label"),
        status=props.get("status"),
    )


@strawberry.type(description="A label a classifier gave, and how sure it is (0 to 1).")
class Classification:
    label: str
    confidence: float


@strawberry.type(description="An entity that extraction found in a petition's text.")
class ExtractedEntity:
    text: str
    label: str = strawberry.field(description="PLACE, ORG, PERSON or FACILITY.")
    start: int = strawberry.field(description="Offset of its first character in the text.")
    end: int = strawberry.field(description="Offset just after its last character.")
    confidence: float = strawberry.field(
        description="How sure the link is, or, unlinked, how sure the span is."
    )
    status: str = strawberry.field(description="LINKED, PROPOSED or UNLINKED.")
    linked_id: strawberry.Private[str | None]

    @strawberry.field(description="The node it is linked to; null unlinked or not yours to see.")
    async def linked(self, info: Info) -> Node | None:
        if self.linked_id is None:
            return None
        record = await info.context.loaders.nodes.load(NodeRef.parse(self.linked_id))
        return to_graphql(record) if record is not None else None


def extracted_entities(stored: object) -> list[ExtractedEntity]:
    if not isinstance(stored, str):
        return []
    return [
        ExtractedEntity(
            text=e["text"],
            label=e["label"],
            start=e["start"],
            end=e["end"],
            confidence=e["confidence"],
            status=e["status"],
            linked_id=e.get("linked"),
        )
        for e in json.loads(stored)
    ]


def classification(label: object, confidence: object) -> Classification | None:
    if not isinstance(label, str):
        return None
    return Classification(
        label=label, confidence=float(confidence) if isinstance(confidence, float | int) else 1.0
    )


def extraction_fields(record: NodeRecord) -> dict[str, Any]:
    """The computed fields of a petition: its masked text and what extraction found."""
    p = record.props
    return {
        "text": masked(str(p.get("text") or "")),
        "category": classification(p.get("department"), p.get("department_confidence")),
        "nature_confidence": p.get("nature_confidence"),
        "language": p.get("language"),
        "entities": extracted_entities(p.get("entities")),
    }


@node_type(L.PETITION, extraction_fields)
class Petition(Node):
    text: str = strawberry.field(description="The text, with ID and phone numbers masked.")
    category: Classification | None = strawberry.field(
        description="The department category (7 first-level classes) extraction gives."
    )
    nature_confidence: float | None = strawberry.field(
        description="How sure extraction is of `nature`; null where the source stated it."
    )
    language: str | None = strawberry.field(description="zh or en, as extraction read it.")
    entities: list[ExtractedEntity] = strawberry.field(
        description="Places, organisations, people and facilities the text names."
    )

    submitted_by = to_one(
        E.SUBMITTED_BY, OUT, L.RESIDENT, description="The submitter; null for anonymous petitions."
    )
    incident = to_one(
        E.REPORTS, OUT, L.INCIDENT, description="The incident this petition raised or joined."
    )
    incidents = connection(
        E.REPORTS, OUT, L.INCIDENT, description="Incidents this petition reported."
    )

    @strawberry.field(
        description="The text whole, ID and phone numbers included: for callers who may read "
        "residents' ID and phone numbers whole (audited); null for others."
    )
    async def text_unmasked(self, info: Info, purpose: Purpose | None = None) -> str | None:
        reasons = [personal_reason(info, name, purpose) for name in ("id_number", "phone")]
        reason = reasons[0]
        if reason is None or reasons[1] is None:
            return None
        record = await info.context.loaders.nodes.load(NodeRef.parse(str(self.id)))
        if record is None:
            return None
        info.context.personal_reads.append(PersonalRead(str(self.id), "textUnmasked", reason))
        return str(record.props.get("text"))

    @strawberry.field(description="Residents, places and things the petition's text names.")
    async def mentions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Mention]:
        return await many(
            info, self, E.MENTIONS, OUT, None, first, after, last, before, wrap=_mention
        )

"""The GraphQL shape of a change and of a change filter."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from api.enums import ChangeKind, IncidentCategory, Severity
from api.pagination import bad_input
from events.change import KNOWN_FIELDS, Change, camel, camel_keys, snake
from events.filters import ChangeFilter
from graph.model import EdgeType, Label

ENTITY_TYPES = frozenset(label.value for label in Label) | frozenset(t.value for t in EdgeType)


@strawberry.type(name="Change", description="One change of the graph, as integrators see it.")
class ChangeNode:
    cursor: str = strawberry.field(description="Resume after this change: `after: <cursor>`.")
    seq: int = strawberry.field(description="The change's number in the graph's change log.")
    kind: ChangeKind
    entity_type: str = strawberry.field(description="A node type or a relationship type.")
    entity_id: str = strawberry.field(
        description="A node's global id; of a relationship, `<source id>-><target id>`."
    )
    source_id: str | None = strawberry.field(description="Of a relationship: its start.")
    target_id: str | None = strawberry.field(description="Of a relationship: its end.")
    changed_fields: list[str] = strawberry.field(
        description="Every field written, as the schema spells it (`birthDate`), personal "
        "ones included (by name only)."
    )
    values: JSON | None = strawberry.field(
        description="New values of the changed fields that are not personal data."
    )
    old_values: JSON | None = strawberry.field(
        description="What an update or a deletion replaced (fields that are not personal)."
    )
    actor: str
    source: str
    at: str = strawberry.field(description="When it was committed (UTC).")
    grid_ids: list[str] = strawberry.field(
        description="The grids the entity is placed in, and every grid above them."
    )
    category: IncidentCategory | None
    severity: Severity | None


def to_node(change: Change) -> ChangeNode:
    return ChangeNode(
        cursor=change.cursor,
        seq=change.seq,
        kind=change.kind,
        entity_type=change.entity_type,
        entity_id=change.entity_id,
        source_id=change.source_id,
        target_id=change.target_id,
        changed_fields=[camel(name) for name in change.changed_fields],
        values=cast(Any, camel_keys(change.values)),
        old_values=cast(Any, camel_keys(change.old_values)),
        actor=change.actor,
        source=change.source,
        at=change.at,
        grid_ids=change.grid_ids,
        category=IncidentCategory(change.category) if change.category else None,
        severity=Severity(change.severity) if change.severity else None,
    )


@strawberry.input(name="ChangeFilter", description="Which changes; an empty list means any.")
class ChangeFilterInput:
    kinds: list[ChangeKind] | None = None
    entity_types: list[str] | None = strawberry.field(
        default=None, description="Node types (Building) and relationship types (MEMBER_OF)."
    )
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Global ids; a relationship matches either end."
    )
    grid_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Grids (`G001` or `Grid:G001`), each with every grid below."
    )
    categories: list[IncidentCategory] | None = None
    min_severity: Severity | None = None
    fields: list[str] | None = strawberry.field(
        default=None, description="Only changes that wrote at least one of these fields."
    )


def _grid_id(value: Any) -> str:
    text = str(value)
    return text.removeprefix("Grid:")


def to_filter(given: ChangeFilterInput | None) -> ChangeFilter:
    """The filter a subscriber asked for; a type nobody records is refused by name."""
    if given is None:
        return ChangeFilter()
    unknown = sorted(set(given.entity_types or ()) - ENTITY_TYPES)
    if unknown:
        raise bad_input(
            f"filter.entityTypes: {', '.join(unknown)} is not a node or relationship type"
        )
    fields = {name: snake(name) for name in given.fields or ()}
    unknown = sorted(name for name, stored in fields.items() if stored not in KNOWN_FIELDS)
    if unknown:
        raise bad_input(f"filter.fields: {', '.join(unknown)} is not a field of any type")
    malformed = sorted(str(i) for i in given.ids or () if ":" not in str(i))
    if malformed:
        raise bad_input(
            f"filter.ids: {', '.join(malformed)} is not a global id (Label:id, or for a "
            "relationship's end, its node's)"
        )
    return ChangeFilter(
        kinds=frozenset(given.kinds or ()),
        entity_types=frozenset(given.entity_types or ()),
        ids=frozenset(str(i) for i in given.ids or ()),
        grid_ids=frozenset(_grid_id(g) for g in given.grid_ids or ()),
        categories=frozenset(c.value for c in given.categories or ()),
        min_severity=given.min_severity.value if given.min_severity else None,
        fields=frozenset(fields.values()),
    )

"""Relationship types: which labels they join, and the properties they carry."""

from __future__ import annotations

import builtins
from collections.abc import Set
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import Field

from graph.model.enums import HouseholdRole
from graph.model.nodes import DomainModel, Label
from graph.model.validators import PastDate

R, H, B, G, ORG, D, INC, P = (
    Label.RESIDENT,
    Label.HOUSEHOLD,
    Label.BUILDING,
    Label.GRID,
    Label.ORGANISATION,
    Label.DEVICE,
    Label.INCIDENT,
    Label.PETITION,
)
ALL_LABELS = frozenset(Label)


class EdgeType(StrEnum):
    MEMBER_OF = "MEMBER_OF"
    RESIDES_IN = "RESIDES_IN"
    IN_GRID = "IN_GRID"
    PART_OF = "PART_OF"
    ADJACENT_TO = "ADJACENT_TO"
    MANAGES = "MANAGES"
    LOCATED_IN = "LOCATED_IN"
    WORKS_FOR = "WORKS_FOR"
    VOLUNTEERS_FOR = "VOLUNTEERS_FOR"
    GRID_WORKER_OF = "GRID_WORKER_OF"
    CARES_FOR = "CARES_FOR"
    GUARDIAN_OF = "GUARDIAN_OF"
    EMERGENCY_CONTACT_OF = "EMERGENCY_CONTACT_OF"
    INSTALLED_IN = "INSTALLED_IN"
    SUPPLIES = "SUPPLIES"
    FEEDS = "FEEDS"
    OCCURRED_AT = "OCCURRED_AT"
    INVOLVES = "INVOLVES"
    RAISED_BY = "RAISED_BY"
    ASSIGNED_TO = "ASSIGNED_TO"
    SUBMITTED_BY = "SUBMITTED_BY"
    MENTIONS = "MENTIONS"
    REPORTS = "REPORTS"


class EdgeProps(DomainModel):
    """A relationship's properties (none, for most types)."""


class NoProps(EdgeProps):
    pass


class MemberOfProps(EdgeProps):
    role: HouseholdRole


class ResidesInProps(EdgeProps):
    unit: str | None = Field(None, max_length=20)
    room: str | None = Field(None, max_length=20)
    since: PastDate | None = None


class AdjacentToProps(EdgeProps):
    distance_m: float = Field(ge=0, le=100_000)


class RoleProps(EdgeProps):
    role: str | None = Field(None, max_length=50)


class MentionsProps(EdgeProps):
    confidence: float = Field(ge=0, le=1)
    span: str | None = Field(None, max_length=500)
    label: str | None = Field(None, pattern="^(PLACE|ORG|PERSON|FACILITY)$")
    status: str | None = Field(None, pattern="^(LINKED|PROPOSED)$")
    start: int | None = Field(None, ge=0)
    end: int | None = Field(None, ge=0)


@dataclass(frozen=True)
class EdgeSpec:
    type: EdgeType
    sources: frozenset[Label]
    targets: frozenset[Label]
    props: builtins.type[EdgeProps] = NoProps  # `type` is the field above

    def validate_props(self, props: dict[str, Any]) -> dict[str, Any]:
        return self.props.model_validate(props).model_dump(mode="json")


def _spec(
    t: EdgeType, sources: Set[Label], targets: Set[Label], props: type[EdgeProps] = NoProps
) -> EdgeSpec:
    return EdgeSpec(t, frozenset(sources), frozenset(targets), props)


EDGE_SPECS: dict[EdgeType, EdgeSpec] = {
    s.type: s
    for s in (
        _spec(EdgeType.MEMBER_OF, {R}, {H}, MemberOfProps),
        _spec(EdgeType.RESIDES_IN, {H}, {B}, ResidesInProps),
        _spec(EdgeType.IN_GRID, {B}, {G}),
        _spec(EdgeType.PART_OF, {G}, {G}),
        _spec(EdgeType.ADJACENT_TO, {B}, {B}, AdjacentToProps),
        _spec(EdgeType.MANAGES, {ORG}, {B}),
        _spec(EdgeType.LOCATED_IN, {ORG}, {B}),
        _spec(EdgeType.WORKS_FOR, {R}, {ORG}, RoleProps),
        _spec(EdgeType.VOLUNTEERS_FOR, {R}, {ORG}),
        _spec(EdgeType.GRID_WORKER_OF, {R}, {G}),
        _spec(EdgeType.CARES_FOR, {R, ORG}, {R}),
        _spec(EdgeType.GUARDIAN_OF, {R}, {R}),
        _spec(EdgeType.EMERGENCY_CONTACT_OF, {R}, {R}),
        _spec(EdgeType.INSTALLED_IN, {D}, {B}),
        _spec(EdgeType.SUPPLIES, {D}, {B}),
        _spec(EdgeType.FEEDS, {D}, {D}),
        _spec(EdgeType.OCCURRED_AT, {INC}, {B, G}),
        _spec(EdgeType.INVOLVES, {INC}, {R, ORG, D}, RoleProps),
        _spec(EdgeType.RAISED_BY, {INC}, {D}),
        _spec(EdgeType.ASSIGNED_TO, {INC}, {ORG}),
        _spec(EdgeType.SUBMITTED_BY, {P}, {R}),
        _spec(EdgeType.MENTIONS, {P}, ALL_LABELS - {P}, MentionsProps),
        _spec(EdgeType.REPORTS, {P}, {INC}),
    )
}


# The relationships that place an entity in a grid, followed outward: a resident's household's
# building's grid, a petition's resident's…, an incident's building or grid, a device's or an
# organisation's building. At most this many of them lead from an entity to its grid.
PLACEMENT_EDGES = (
    EdgeType.MEMBER_OF,
    EdgeType.RESIDES_IN,
    EdgeType.IN_GRID,
    EdgeType.OCCURRED_AT,
    EdgeType.INSTALLED_IN,
    EdgeType.LOCATED_IN,
    EdgeType.SUBMITTED_BY,
)
MAX_PLACEMENT_HOPS = 4

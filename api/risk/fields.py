"""`riskAssessment`: a hazard at some sources, assessed over the process's risk projection,
each ranked node resolved through the caller's store (so a node it may not see reads as null)
with its reasons and factors."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import numpy as np
import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from api.auth.purpose import (
    PURPOSE_HEADER,
    PurposeError,
    reading_purpose,
)
from api.enums import Severity
from api.nodes import Node
from api.nodes.personal import PersonalRead
from api.nodes.registry import to_graphql
from api.pagination import bad_input
from graph.errors import InvalidInputError
from graph.model import Label
from graph.records import NodeRef
from graph.scope import ScopeKind
from risk.assess import Assessment, RiskModel, assess, sentences
from risk.cache import ProjectionCache
from risk.places import in_grids, managed_by
from risk.projection import Bools, Projection
from risk.response import response_plan
from risk.spread import Hazard
from risk.vulnerability import FROM_TAGS

strawberry.enum(RiskModel, description="How its spread is computed.")


@strawberry.input(description="Which ranked nodes to return.")
class RiskFilter:
    node_types: list[str] | None = strawberry.field(
        default=None, description="Resident, Household, Building or Device."
    )
    grid_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only nodes placed in these grids (or grids below them)."
    )


@strawberry.input
class RiskAssessmentInput:
    sources: list[strawberry.ID] = strawberry.field(
        description="Incidents, devices, buildings or grids where the hazard is."
    )
    hazard: Hazard
    severity: Severity = Severity.MEDIUM
    model: RiskModel | None = strawberry.field(
        default=None, description="Default: CASCADE for outages, SPREAD otherwise."
    )
    max_hops: int = 4
    first: int = 20
    filter: RiskFilter | None = None


@strawberry.type
class Affected:
    residents: int
    households: int
    buildings: int
    devices: int


@strawberry.type
class GridExposure:
    grid: Node | None
    residents: int
    vulnerable: int


@strawberry.type
class Factor:
    name: str
    weight: float
    text: str = strawberry.field(description="In Chinese.")
    text_en: str


@strawberry.type
class Reason:
    path: list[Node | None] = strawberry.field(description="Source first; null: not visible.")
    relationship_types: list[str]
    text: str = strawberry.field(description="One line in Chinese.")
    text_en: str


@strawberry.type(description="A 95 % confidence interval.")
class Interval:
    low: float
    high: float


@strawberry.type
class RiskItem:
    rank: int
    score: float
    probability: float
    interval: Interval | None = strawberry.field(
        description="Of the probability, where the model gives one (MONTE_CARLO)."
    )
    node: Node | None
    reasons: list[Reason]
    factors: list[Factor]


@strawberry.type(description="Someone to tell about an endangered person.")
class NoticeContact:
    role: str = strawberry.field(
        description="grid_worker, carer, guardian, emergency_contact or property_company."
    )
    node: Node | None


@strawberry.type(description="One endangered vulnerable resident and who to tell (一键响应).")
class Notice:
    priority: int
    score: float
    resident: Node | None
    contacts: list[NoticeContact]


@strawberry.type
class RiskAssessment:
    model: RiskModel
    hazard: Hazard
    computed_at: datetime
    took_ms: float
    projection_seq: int
    affected: Affected
    by_grid: list[GridExposure]
    items: list[RiskItem]
    response_plan: list[Notice] = strawberry.field(
        description="The endangered vulnerable residents, most endangered first (up to 100), "
        "each with the people and organisations to notify."
    )


def risk_cache(info: Info, field: str) -> ProjectionCache:
    """The process's projection cache (absent only where an app is built without one)."""
    cache: ProjectionCache | None = getattr(info.context, "risk", None)
    if cache is None:
        raise GraphQLError(f"{field}: not available", extensions={"code": "UNAVAILABLE"})
    return cache


def rows_of(info: Info, p: Projection) -> Bools | None:
    """The caller's rows in the projection (None: every row): a grid worker's grids and what
    lies in them, a property company's managed buildings and what lies in those."""
    scope = info.context.store.scope
    if scope is None:
        return None
    named = np.zeros(p.size, dtype=bool)
    prefix = {ScopeKind.GRIDS: "Grid", ScopeKind.ORGANISATION: "Organisation"}.get(scope.kind)
    if prefix is None:
        raise GraphQLError(
            "FORBIDDEN: risk assessments are not available to this role",
            extensions={"code": "FORBIDDEN"},
        )
    for key in scope.ids:
        at = p.find(f"{prefix}:{key}")
        if at is not None:
            named[at] = True
    return in_grids(p, named) if scope.kind == ScopeKind.GRIDS else managed_by(p, named)


def indexes(
    p: Projection, ids: list[strawberry.ID], argument: str, within: Bools | None = None
) -> list[int]:
    """The projection's index of each id; one it does not hold, or outside `within`, is
    refused as missing."""
    found = []
    for n, given in enumerate(ids):
        at = p.find(str(given))
        if at is None or (within is not None and not within[at]):
            raise bad_input(f"{argument}[{n}]: no node {given}")
        found.append(at)
    return found


def labels_of(types: list[str] | None) -> tuple[Label, ...]:
    if not types:
        return (Label.RESIDENT, Label.HOUSEHOLD, Label.BUILDING, Label.DEVICE)
    try:
        return tuple(Label(t) for t in types)
    except ValueError:
        raise bad_input(f"filter.nodeTypes: give some of {', '.join(Label)}") from None


async def _visible(info: Info, global_ids: set[str]) -> dict[str, Any]:
    refs = [NodeRef.parse(g) for g in sorted(global_ids)]
    records = await info.context.loaders.nodes.load_many(refs)
    return {str(ref): to_graphql(r) for ref, r in zip(refs, records, strict=True) if r}


def _tags_open(info: Info) -> str | None:
    """The purpose under which this caller sees tags (None: it may not)."""
    principal = info.context.principal
    if principal is None:
        return None
    request = getattr(info.context, "request", None)
    try:
        return reading_purpose(
            principal, "tags", request.headers.get(PURPOSE_HEADER) if request else None
        )
    except PurposeError:
        return reading_purpose(principal, "tags", None)


def _explained(info: Info, p: Projection, result: Assessment) -> None:
    """Keep tag-derived factors (and their words) only for a caller who may see tags, and
    record each resident whose tags they show for the audit trail."""
    purpose = _tags_open(info)
    for item in result.items:
        shown = [f for f in item.factors if purpose is not None or f[0] not in FROM_TAGS]
        if purpose is not None and any(f[0] in FROM_TAGS for f in shown):
            info.context.personal_reads.append(PersonalRead(p.ids[item.node], "tags", purpose))
        if len(shown) != len(item.factors):
            item.factors = shown
            item.text_zh, item.text_en = sentences(p, result.hazard, item.path, shown)


async def _shaped(info: Info, p: Projection, result: Assessment) -> RiskAssessment:
    _explained(info, p, result)
    plan = await asyncio.to_thread(response_plan, p, result)
    wanted = {p.ids[node] for item in result.items for node, _ in item.path}
    wanted |= {p.ids[g] for g in result.by_grid}
    wanted |= {p.ids[n.resident] for n in plan}
    wanted |= {p.ids[c.node] for n in plan for c in n.contacts}
    shown = await _visible(info, wanted)
    items = [
        RiskItem(
            rank=rank,
            score=round(item.score, 6),
            probability=round(item.probability, 6),
            interval=Interval(low=item.interval[0], high=item.interval[1])
            if item.interval
            else None,
            node=shown.get(p.ids[item.node]),
            reasons=[
                Reason(
                    path=[shown.get(p.ids[node]) for node, _ in item.path],
                    relationship_types=[str(edge) for _, edge in item.path if edge is not None],
                    text=item.text_zh,
                    text_en=item.text_en,
                )
            ],
            factors=[Factor(name=f[0], weight=f[1], text=f[2], text_en=f[3]) for f in item.factors],
        )
        for rank, item in enumerate(result.items, start=1)
    ]
    affected = result.affected
    return RiskAssessment(
        model=result.model,
        hazard=result.hazard,
        computed_at=datetime.now(UTC),
        took_ms=result.took_ms,
        projection_seq=result.seq,
        affected=Affected(
            residents=affected[Label.RESIDENT],
            households=affected[Label.HOUSEHOLD],
            buildings=affected[Label.BUILDING],
            devices=affected[Label.DEVICE],
        ),
        by_grid=[
            GridExposure(grid=shown.get(p.ids[g]), residents=people, vulnerable=weak)
            for g, (people, weak) in sorted(result.by_grid.items(), key=lambda kv: -kv[1][0])
        ],
        items=items,
        response_plan=[
            Notice(
                priority=n.priority,
                score=round(n.score, 6),
                resident=shown.get(p.ids[n.resident]),
                contacts=[
                    NoticeContact(role=c.role, node=shown.get(p.ids[c.node])) for c in n.contacts
                ],
            )
            for n in plan
        ],
    )


@strawberry.type
class RiskQuery:
    @strawberry.field(
        description="Who a hazard endangers, how much and why: ranked residents, households, "
        "buildings and devices with the paths and factors behind each score."
    )
    async def risk_assessment(self, info: Info, input: RiskAssessmentInput) -> RiskAssessment:
        p, result = await assessed(info, input, "riskAssessment")
        return await _shaped(info, p, result)


async def assessed(
    info: Info, input: RiskAssessmentInput, field: str
) -> tuple[Projection, Assessment]:
    """The assessment `input` asks for, within the caller's rows, over the projection as the
    store stands now."""
    cache = risk_cache(info, field)
    p = await cache.get()
    within = rows_of(info, p)
    sources = indexes(p, input.sources, "input.sources", within)
    labels = labels_of(input.filter.node_types if input.filter else None)
    grid_ids = input.filter.grid_ids if input.filter else None
    if grid_ids:
        grids = np.zeros(p.size, dtype=bool)
        grids[indexes(p, grid_ids, "input.filter.gridIds", within)] = True
        kept = in_grids(p, grids)
        within = kept if within is None else within & kept
    try:
        result = await asyncio.to_thread(
            assess,
            p,
            input.hazard,
            sources,
            input.severity,
            input.model,
            input.max_hops,
            input.first,
            labels,
            within,
            cache.weights,
        )
    except InvalidInputError as exc:
        raise bad_input(f"input.{exc.problems[0]}") from None
    return p, result

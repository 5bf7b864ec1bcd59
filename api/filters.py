"""GraphQL filter and ordering inputs, and their translation to the store's typed filters."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

import strawberry

from api import enums as t
from graph.filters import All, AnyOf, Condition, Filter, LivesAlone, Not, Op, Related
from graph.listing import orderable_fields
from graph.model import EdgeType, Label
from graph.model.validators import format_timestamp

OPS = {
    "eq": Op.EQ,
    "ne": Op.NE,
    "in_": Op.IN,
    "lt": Op.LT,
    "lte": Op.LTE,
    "gt": Op.GT,
    "gte": Op.GTE,
    "contains": Op.CONTAINS,
    "starts_with": Op.STARTS_WITH,
    "is_null": Op.IS_NULL,
    "has_any": Op.HAS_ANY,
    "has_all": Op.HAS_ALL,
}


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@strawberry.input(description="Text: equality, one of, contains, starts with (works for Chinese).")
class StringFilter:
    eq: str | None = None
    in_: list[str] | None = strawberry.field(name="in", default=None)
    contains: str | None = None
    starts_with: str | None = None
    is_null: bool | None = None


@strawberry.input
class IDFilter:
    eq: strawberry.ID | None = None
    in_: list[strawberry.ID] | None = strawberry.field(name="in", default=None)


@strawberry.input
class IntFilter:
    eq: int | None = None
    in_: list[int] | None = strawberry.field(name="in", default=None)
    lt: int | None = None
    lte: int | None = None
    gt: int | None = None
    gte: int | None = None
    is_null: bool | None = None


@strawberry.input
class DateFilter:
    eq: date | None = None
    lt: date | None = None
    lte: date | None = None
    gt: date | None = None
    gte: date | None = None
    is_null: bool | None = None


@strawberry.input
class DateTimeFilter:
    lt: datetime | None = None
    lte: datetime | None = None
    gt: datetime | None = None
    gte: datetime | None = None
    is_null: bool | None = None


@strawberry.input(description="Age in whole years on today's date, bounds included.")
class AgeRange:
    min: int | None = None
    max: int | None = None


def enum_filter(enum_type: Any, name: str) -> Any:
    """An input with `eq` and `in` for one enumeration."""
    namespace = {
        "__annotations__": {"eq": enum_type | None, "in_": list[enum_type] | None},
        "eq": None,
        "in_": strawberry.field(name="in", default=None),
    }
    return strawberry.input(type(name, (), namespace))


def tag_filter(enum_type: Any, name: str) -> Any:
    namespace = {
        "__annotations__": {"has_any": list[enum_type] | None, "has_all": list[enum_type] | None},
        "has_any": None,
        "has_all": None,
    }
    return strawberry.input(type(name, (), namespace))


GenderFilter = enum_filter(t.Gender, "GenderFilter")
ResidencyFilter = enum_filter(t.Residency, "ResidencyFilter")
TenureFilter = enum_filter(t.Tenure, "TenureFilter")
BuildingUseFilter = enum_filter(t.BuildingUse, "BuildingUseFilter")
RentalRiskLevelFilter = enum_filter(t.RentalRiskLevel, "RentalRiskLevelFilter")
GridLevelFilter = enum_filter(t.GridLevel, "GridLevelFilter")
OrganisationKindFilter = enum_filter(t.OrganisationKind, "OrganisationKindFilter")
DeviceKindFilter = enum_filter(t.DeviceKind, "DeviceKindFilter")
DeviceStatusFilter = enum_filter(t.DeviceStatus, "DeviceStatusFilter")
IncidentCategoryFilter = enum_filter(t.IncidentCategory, "IncidentCategoryFilter")
SeverityFilter = enum_filter(t.Severity, "SeverityFilter")
IncidentStatusFilter = enum_filter(t.IncidentStatus, "IncidentStatusFilter")
IncidentSourceFilter = enum_filter(t.IncidentSource, "IncidentSourceFilter")
PetitionChannelFilter = enum_filter(t.PetitionChannel, "PetitionChannelFilter")
PetitionNatureFilter = enum_filter(t.PetitionNature, "PetitionNatureFilter")
KeyPopulationTagFilter = tag_filter(t.KeyPopulationTag, "KeyPopulationTagFilter")

# Relationship filters: GraphQL field → (path of outgoing relationships, target label,
# PART_OF hops below the target that also count).
RESIDENT_PATH = (EdgeType.MEMBER_OF, EdgeType.RESIDES_IN, EdgeType.IN_GRID)
RELATIONAL: dict[str, tuple[tuple[EdgeType, ...], Label, int]] = {
    "in_grid": (RESIDENT_PATH, Label.GRID, 3),
    "in_building": ((EdgeType.MEMBER_OF, EdgeType.RESIDES_IN), Label.BUILDING, 0),
    "in_household": ((EdgeType.MEMBER_OF,), Label.HOUSEHOLD, 0),
}
RELATIONAL_BY_LABEL: dict[Label, dict[str, tuple[tuple[EdgeType, ...], Label, int]]] = {
    Label.RESIDENT: RELATIONAL,
    Label.HOUSEHOLD: {
        "in_grid": ((EdgeType.RESIDES_IN, EdgeType.IN_GRID), Label.GRID, 3),
        "in_building": ((EdgeType.RESIDES_IN,), Label.BUILDING, 0),
    },
    Label.BUILDING: {"in_grid": ((EdgeType.IN_GRID,), Label.GRID, 3)},
    Label.GRID: {"in_grid": ((EdgeType.PART_OF,), Label.GRID, 3)},
    Label.DEVICE: {
        "in_building": ((EdgeType.INSTALLED_IN,), Label.BUILDING, 0),
        "in_grid": ((EdgeType.INSTALLED_IN, EdgeType.IN_GRID), Label.GRID, 3),
    },
    Label.INCIDENT: {
        "in_building": ((EdgeType.OCCURRED_AT,), Label.BUILDING, 0),
        "in_grid": ((EdgeType.OCCURRED_AT, EdgeType.IN_GRID), Label.GRID, 3),
    },
    Label.ORGANISATION: {"in_building": ((EdgeType.LOCATED_IN,), Label.BUILDING, 0)},
    Label.PETITION: {"submitted_by": ((EdgeType.SUBMITTED_BY,), Label.RESIDENT, 0)},
}


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_bounds(age: AgeRange, today: date) -> list[Filter]:
    """Age bounds as birth-date bounds (birth dates are ISO strings, so they compare): aged at
    least `min` is born on or before today `min` years ago; at most `max` is born after today
    `max + 1` years ago."""
    parts: list[Filter] = []
    if age.min is not None:
        parts.append(Condition("birth_date", Op.LTE, years_before(today, age.min).isoformat()))
    if age.max is not None:
        earliest = years_before(today, age.max + 1)
        parts.append(Condition("birth_date", Op.GT, earliest.isoformat()))
    return parts


def _local_ids(value: Any) -> Any:
    """Global ids (`Resident:R1`) or plain keys (`R1`) → plain keys."""
    if isinstance(value, list):
        return [_local_ids(v) for v in value]
    text = str(value)
    return text.partition(":")[2] or text


def to_filter(label: Label, value: Any) -> Filter | None:
    """Translate a `<Type>Filter` input (with AND/OR/NOT) into a store filter."""
    if value is None:
        return None
    parts: list[Filter] = []
    relational = RELATIONAL_BY_LABEL.get(label, {})
    for item in dataclasses.fields(value):
        given = getattr(value, item.name)
        if given is None:
            continue
        if item.name == "and_":
            parts.extend(f for f in (to_filter(label, v) for v in given) if f is not None)
        elif item.name == "or_":
            parts.append(AnyOf(tuple(f for f in (to_filter(label, v) for v in given) if f)))
        elif item.name == "not_":
            inner = to_filter(label, given)
            if inner is not None:
                parts.append(Not(inner))
        elif item.name == "overdue":
            from graph.workflow import overdue_filter

            parts.append(overdue_filter() if given else Not(overdue_filter()))
        elif item.name == "lives_alone":
            parts.append(LivesAlone() if given else Not(LivesAlone()))
        elif item.name == "age":
            parts.extend(_age_bounds(given, date.today()))
        elif item.name == "id":
            for op_name, op in (("eq", Op.EQ), ("in_", Op.IN)):
                ids = getattr(given, op_name)
                if ids is not None:
                    parts.append(Condition("id", op, _local_ids(ids)))
        elif item.name in relational:
            path, target, hops = relational[item.name]
            parts.append(Related(path, target, _local_ids(given), hops))
        else:
            for op_name, op in OPS.items():
                op_value = getattr(given, op_name, None)
                if op_value is not None:
                    parts.append(Condition(item.name, op, _plain(op_value)))
    return All(tuple(parts)) if parts else None


class SortDirection(StrEnum):
    ASC = "asc"
    DESC = "desc"


SortDirectionEnum = strawberry.enum(SortDirection, name="SortDirection")


def order_input(label: Label) -> tuple[Any, Any]:
    """`<Type>OrderField` enum and `<Type>Order` input for a label's sortable fields."""
    fields = sorted(orderable_fields(label))
    enum_type = strawberry.enum(StrEnum(f"{label.value}OrderField", {f.upper(): f for f in fields}))  # type: ignore[call-overload]
    namespace = {
        "__annotations__": {"field": enum_type, "direction": SortDirectionEnum},
        "direction": SortDirection.ASC,
    }
    return enum_type, strawberry.input(type(f"{label.value}Order", (), namespace))


ORDER_INPUTS = {label: order_input(label)[1] for label in Label}


def _logic(name: str) -> Any:
    return strawberry.field(name=name, default=None)


@strawberry.input
class ResidentFilter:
    and_: list[ResidentFilter] | None = _logic("AND")
    or_: list[ResidentFilter] | None = _logic("OR")
    not_: ResidentFilter | None = _logic("NOT")
    id: IDFilter | None = None
    name: StringFilter | None = None
    gender: GenderFilter | None = None
    residency: ResidencyFilter | None = None
    birth_date: DateFilter | None = None
    age: AgeRange | None = None
    tags: KeyPopulationTagFilter | None = None
    lives_alone: bool | None = strawberry.field(
        default=None, description="The only member of their household (from the graph, not tags)."
    )
    in_grid: strawberry.ID | None = None
    in_building: strawberry.ID | None = None
    in_household: strawberry.ID | None = None


@strawberry.input
class HouseholdFilter:
    and_: list[HouseholdFilter] | None = _logic("AND")
    or_: list[HouseholdFilter] | None = _logic("OR")
    not_: HouseholdFilter | None = _logic("NOT")
    id: IDFilter | None = None
    tenure: TenureFilter | None = None
    in_grid: strawberry.ID | None = None
    in_building: strawberry.ID | None = None


@strawberry.input
class BuildingFilter:
    and_: list[BuildingFilter] | None = _logic("AND")
    or_: list[BuildingFilter] | None = _logic("OR")
    not_: BuildingFilter | None = _logic("NOT")
    id: IDFilter | None = None
    name: StringFilter | None = None
    address: StringFilter | None = None
    compound: StringFilter | None = None
    floors: IntFilter | None = None
    year_built: IntFilter | None = None
    use: BuildingUseFilter | None = None
    rental_risk_level: RentalRiskLevelFilter | None = None
    in_grid: strawberry.ID | None = None


@strawberry.input
class GridFilter:
    and_: list[GridFilter] | None = _logic("AND")
    or_: list[GridFilter] | None = _logic("OR")
    not_: GridFilter | None = _logic("NOT")
    id: IDFilter | None = None
    name: StringFilter | None = None
    level: GridLevelFilter | None = None
    in_grid: strawberry.ID | None = None


@strawberry.input
class OrganisationFilter:
    and_: list[OrganisationFilter] | None = _logic("AND")
    or_: list[OrganisationFilter] | None = _logic("OR")
    not_: OrganisationFilter | None = _logic("NOT")
    id: IDFilter | None = None
    name: StringFilter | None = None
    kind: OrganisationKindFilter | None = None
    in_building: strawberry.ID | None = None


@strawberry.input
class DeviceFilter:
    and_: list[DeviceFilter] | None = _logic("AND")
    or_: list[DeviceFilter] | None = _logic("OR")
    not_: DeviceFilter | None = _logic("NOT")
    id: IDFilter | None = None
    kind: DeviceKindFilter | None = None
    status: DeviceStatusFilter | None = None
    installed_at: DateFilter | None = None
    in_building: strawberry.ID | None = None
    in_grid: strawberry.ID | None = None


@strawberry.input
class IncidentFilter:
    and_: list[IncidentFilter] | None = _logic("AND")
    or_: list[IncidentFilter] | None = _logic("OR")
    not_: IncidentFilter | None = _logic("NOT")
    id: IDFilter | None = None
    category: IncidentCategoryFilter | None = None
    severity: SeverityFilter | None = None
    status: IncidentStatusFilter | None = None
    source: IncidentSourceFilter | None = None
    reported_at: DateTimeFilter | None = None
    deadline_at: DateTimeFilter | None = None
    overdue: bool | None = strawberry.field(default=None, description="Open and past deadline.")
    description: StringFilter | None = None
    in_building: strawberry.ID | None = None
    in_grid: strawberry.ID | None = None


@strawberry.input
class PetitionFilter:
    and_: list[PetitionFilter] | None = _logic("AND")
    or_: list[PetitionFilter] | None = _logic("OR")
    not_: PetitionFilter | None = _logic("NOT")
    id: IDFilter | None = None
    text: StringFilter | None = None
    channel: PetitionChannelFilter | None = None
    submitted_at: DateTimeFilter | None = None
    title: StringFilter | None = None
    nature: PetitionNatureFilter | None = None
    source_category: StringFilter | None = None
    submitted_by: strawberry.ID | None = None

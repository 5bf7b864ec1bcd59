"""Each label's GraphQL filter input, derived from its model fields, and its translation to
the store's typed filters."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum, StrEnum
from functools import cache
from typing import Any

import strawberry

from api.nodes.conditions import (
    AgeRange,
    BooleanFilter,
    DateFilter,
    DateTimeFilter,
    FloatFilter,
    IDFilter,
    IntFilter,
    NearPoint,
    StringFilter,
    enum_filter,
    tag_filter,
)
from graph.filters import (
    All,
    AnyOf,
    Condition,
    Filter,
    LivesAlone,
    Near,
    Not,
    Op,
    Related,
    Through,
)
from graph.model import EdgeType, Label
from graph.model.fields import FieldSpec, ValueKind, field_specs
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
    "ends_with": Op.ENDS_WITH,
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
        elif item.name == "near":
            parts.append(Near(given.lat, given.lon, given.radius_m))
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
        elif item.name in THROUGH.get(label, {}):
            path, target = THROUGH[label][item.name]
            parts.append(Through(path, target, to_filter(target, given)))
        else:
            for op_name, op in OPS.items():
                op_value = getattr(given, op_name, None)
                if op_value is not None:
                    parts.append(Condition(item.name, op, _plain(op_value)))
    return All(tuple(parts)) if parts else None


def _logic(name: str) -> Any:
    return strawberry.field(name=name, default=None)


CONDITIONS: dict[ValueKind, Any] = {
    ValueKind.TEXT: StringFilter,
    ValueKind.INT: IntFilter,
    ValueKind.FLOAT: FloatFilter,
    ValueKind.BOOL: BooleanFilter,
    ValueKind.DATE: DateFilter,
    ValueKind.TIMESTAMP: DateTimeFilter,
}


@cache
def _enum_condition(enum: type[StrEnum], tags: bool) -> Any:
    name = enum.__strawberry_definition__.name  # type: ignore[attr-defined]
    return tag_filter(enum, f"{name}Filter") if tags else enum_filter(enum, f"{name}Filter")


def condition_input(spec: FieldSpec) -> Any:
    """The condition input of one model field, by its kind of value."""
    if spec.enum is not None:
        return _enum_condition(spec.enum, spec.kind == ValueKind.ENUM_LIST)
    return CONDITIONS[spec.kind]


# Conditions that are not a model field's: computed from a field or from the graph.
COMPUTED: dict[Label, dict[str, tuple[Any, Any]]] = {
    Label.RESIDENT: {
        "age": (AgeRange, None),
        "lives_alone": (
            bool,
            strawberry.field(
                default=None,
                description="The only member of their household (from the graph, not tags).",
            ),
        ),
    },
    Label.INCIDENT: {
        "overdue": (bool, strawberry.field(default=None, description="Open and past deadline."))
    },
    Label.BUILDING: {
        "near": (
            NearPoint,
            strawberry.field(
                default=None,
                description="Within a radius of a point (its households, residents and "
                "devices: through `building` / `installedIn`).",
            ),
        )
    },
}


# Conditions on a related node's own fields: GraphQL field → (path of outgoing relationships,
# the related node's label); `household: {tenure: {eq: RENTED}}` asks for residents whose
# household is rented.
THROUGH: dict[Label, dict[str, tuple[tuple[EdgeType, ...], Label]]] = {
    Label.RESIDENT: {"household": ((EdgeType.MEMBER_OF,), Label.HOUSEHOLD)},
    Label.HOUSEHOLD: {"building": ((EdgeType.RESIDES_IN,), Label.BUILDING)},
    Label.BUILDING: {"grid": ((EdgeType.IN_GRID,), Label.GRID)},
    Label.GRID: {"parent": ((EdgeType.PART_OF,), Label.GRID)},
    Label.ORGANISATION: {"located_in": ((EdgeType.LOCATED_IN,), Label.BUILDING)},
    Label.DEVICE: {"installed_in": ((EdgeType.INSTALLED_IN,), Label.BUILDING)},
    Label.INCIDENT: {
        "building": ((EdgeType.OCCURRED_AT,), Label.BUILDING),
        "grid": ((EdgeType.OCCURRED_AT,), Label.GRID),
        "assigned_to": ((EdgeType.ASSIGNED_TO,), Label.ORGANISATION),
    },
    Label.PETITION: {"submitter": ((EdgeType.SUBMITTED_BY,), Label.RESIDENT)},
}
# Made first, filled in below: the inputs refer to each other (a resident's household's
# building's grid).
_CLASSES = {label: type(f"{label.value}Filter", (), {}) for label in Label}


def filter_input(label: Label) -> Any:
    """`<Type>Filter`: AND/OR/NOT, the id, a condition per filterable model field, the
    computed conditions, the relationship conditions of the label, and conditions on its
    related nodes' fields."""
    cls = _CLASSES[label]
    fields: dict[str, tuple[Any, Any]] = {
        # A class made here, not a type a checker can read: strawberry reads it at runtime.
        "and_": (list[cls] | None, _logic("AND")),  # type: ignore[valid-type]
        "or_": (list[cls] | None, _logic("OR")),  # type: ignore[valid-type]
        "not_": (cls | None, _logic("NOT")),
        "id": (IDFilter | None, None),
    }
    for spec in field_specs(label):
        if spec.meta.filter:
            fields[spec.name] = (condition_input(spec) | None, None)
    for name, (annotation, default) in COMPUTED.get(label, {}).items():
        fields[name] = (annotation | None, default)
    for name in RELATIONAL_BY_LABEL.get(label, {}):
        fields[name] = (strawberry.ID | None, None)
    for name, (_, target) in THROUGH.get(label, {}).items():
        fields[name] = (_CLASSES[target] | None, None)
    for name, (_, default) in fields.items():
        setattr(cls, name, default)
    cls.__annotations__ = {name: annotation for name, (annotation, _) in fields.items()}
    return strawberry.input(cls)


FILTER_INPUTS = {label: filter_input(label) for label in Label}

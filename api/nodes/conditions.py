"""Condition inputs of the GraphQL filters: one per kind of value (text, numbers, yes/no,
dates, times, enumerations, tag lists)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry


@strawberry.input(
    description="Text: equality, one of, contains, starts or ends with (works for Chinese)."
)
class StringFilter:
    eq: str | None = None
    in_: list[str] | None = strawberry.field(name="in", default=None)
    contains: str | None = None
    starts_with: str | None = None
    ends_with: str | None = None
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
class FloatFilter:
    lt: float | None = None
    lte: float | None = None
    gt: float | None = None
    gte: float | None = None
    is_null: bool | None = None


@strawberry.input(description="Yes or no; `isNull` for not recorded.")
class BooleanFilter:
    eq: bool | None = None
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


@strawberry.input(description="Within `radiusM` metres (great-circle) of a point, WGS 84.")
class NearPoint:
    lat: float
    lon: float
    radius_m: float


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

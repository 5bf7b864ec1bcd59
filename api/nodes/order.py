"""Order inputs: a `<Type>OrderField` enum of each label's sortable fields and a
`<Type>Order` input with the direction."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry

from graph.model import Label
from graph.model.fields import orderable_fields


class SortDirection(StrEnum):
    ASC = "asc"
    DESC = "desc"


SortDirectionEnum = strawberry.enum(SortDirection, name="SortDirection")


# Orders that are not a field: buildings filtered by `near` sort by distance (nearest first).
COMPUTED_ORDERS = {Label.BUILDING: ("distance",)}


def order_input(label: Label) -> tuple[Any, Any]:
    """`<Type>OrderField` enum and `<Type>Order` input for a label's sortable fields."""
    fields = sorted(orderable_fields(label) | set(COMPUTED_ORDERS.get(label, ())))
    enum_type = strawberry.enum(StrEnum(f"{label.value}OrderField", {f.upper(): f for f in fields}))  # type: ignore[call-overload]
    namespace = {
        "__annotations__": {"field": enum_type, "direction": SortDirectionEnum},
        "direction": SortDirection.ASC,
    }
    return enum_type, strawberry.input(type(f"{label.value}Order", (), namespace))


ORDER_INPUTS = {label: order_input(label)[1] for label in Label}

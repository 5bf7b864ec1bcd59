"""The numbers a projection keeps of each node (age, tags as bits, floors, device kind and
state...) made from the properties the store holds, a column of nodes at a time; and the
weight of a relationship."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from risk.projection import DOWN_STATUSES, KIND_CODE, NUMERIC, TAG_BIT

NAN = float("nan")
Column = Sequence[Any]


def _age(birth: Any, today: str) -> float:
    if not isinstance(birth, str) or len(birth) < 10:
        return NAN
    years = int(today[:4]) - int(birth[:4])
    return float(years - (1 if today[5:10] < birth[5:10] else 0))


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else NAN


def _tag_bits(tags: Any) -> float:
    return float(sum(TAG_BIT.get(t, 0) for t in tags)) if tags else NAN


def _elevator(value: Any) -> float:
    return NAN if value is None else float(bool(value))


def _kind(value: Any) -> float:
    return float(KIND_CODE[value]) if value in KIND_CODE else NAN


def _down(value: Any) -> float:
    return NAN if value is None else float(value in DOWN_STATUSES)


# Each attribute: the property it is made from, and how one value becomes a number.
_MADE_FROM = {
    "age": ("birth_date", None),
    "floor": ("floor", _number),
    "floors": ("floors", _number),
    "has_elevator": ("has_elevator", _elevator),
    "lat": ("lat", _number),
    "lon": ("lon", _number),
    "kind": ("kind", _kind),
    "down": ("status", _down),
    "tags": ("tags", _tag_bits),
}
assert set(_MADE_FROM) == set(NUMERIC)


def attribute_columns(columns: Mapping[str, Column], count: int, today: str) -> dict[str, Column]:
    """Each attribute of `count` nodes whose properties are given as columns (an absent
    column: none of them has it, NaN)."""
    made: dict[str, Column] = {}
    for name, (prop, convert) in _MADE_FROM.items():
        values = columns.get(prop)
        if values is None:
            made[name] = [NAN] * count
        elif convert is None:
            made[name] = [_age(v, today) for v in values]
        else:
            made[name] = [convert(v) for v in values]
    return made


def node_attributes(props: Mapping[str, Any], today: str) -> dict[str, float]:
    """The attributes of one node's stored properties (NaN where it has none)."""
    columns = attribute_columns({k: [v] for k, v in props.items()}, 1, today)
    return {name: float(values[0]) for name, values in columns.items()}


def edge_weight(props: Mapping[str, Any]) -> float:
    """A relationship's weight in its matrix: metres apart where it has them, else 1."""
    distance = props.get("distance_m")
    return float(distance) if isinstance(distance, int | float) else 1.0

"""What each property of a node type is, read once from the model: its kind of value, its
enumeration, whether it is required, and the declarative metadata (`Meta`) written beside it.

The GraphQL object types, filter inputs and order enums, the ingest columns, their Chinese
headers and cell converters are all derived from these specs; no other module lists the
fields of a label."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from graph.model.meta import Meta
from graph.model.nodes import NODE_MODELS, Label


def camel(name: str) -> str:
    """A stored field name as the GraphQL schema spells it: birth_date → birthDate."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class ValueKind(StrEnum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    TIMESTAMP = "timestamp"
    ENUM = "enum"
    ENUM_LIST = "enum_list"
    OTHER = "other"  # a structure the API and ingest handle by hand (an incident's history)


# Kinds of values nodes can be counted by (each tag of a list field).
GROUPABLE = (ValueKind.ENUM, ValueKind.ENUM_LIST, ValueKind.BOOL)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: ValueKind
    enum: type[StrEnum] | None
    required: bool
    description: str | None
    meta: Meta
    sensitive: bool

    @property
    def shown(self) -> bool:
        """Part of the GraphQL object type: personal data never is."""
        return self.meta.shown and not self.sensitive

    @property
    def numeric(self) -> bool:
        return self.kind in (ValueKind.INT, ValueKind.FLOAT)


_SCALARS = {
    str: ValueKind.TEXT,
    int: ValueKind.INT,
    float: ValueKind.FLOAT,
    bool: ValueKind.BOOL,
    dt.date: ValueKind.DATE,
    dt.datetime: ValueKind.TIMESTAMP,
}


def _without_none(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _kind(annotation: Any) -> tuple[ValueKind, type[StrEnum] | None]:
    value = _without_none(annotation)
    if typing.get_origin(value) is typing.Annotated:  # an optional constrained type
        value = typing.get_args(value)[0]
    if typing.get_origin(value) is list:
        [item] = typing.get_args(value)
        if isinstance(item, type) and issubclass(item, StrEnum):
            return ValueKind.ENUM_LIST, item
        return ValueKind.OTHER, None
    if isinstance(value, type) and issubclass(value, StrEnum):
        return ValueKind.ENUM, value
    return _SCALARS.get(value, ValueKind.OTHER), None


@cache
def field_specs(label: Label) -> tuple[FieldSpec, ...]:
    """The properties of `label`'s nodes in the model's order (`id` aside)."""
    model = NODE_MODELS[label]
    specs = []
    for name, info in model.model_fields.items():
        if name == "id":
            continue
        kind, enum = _kind(info.annotation)
        meta = next((m for m in info.metadata if isinstance(m, Meta)), Meta())
        specs.append(
            FieldSpec(
                name=name,
                kind=kind,
                enum=enum,
                required=info.is_required(),
                description=info.description,
                meta=meta,
                sensitive=name in model.sensitive_fields,
            )
        )
    return tuple(specs)


@cache
def specs_by_name(label: Label) -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in field_specs(label)}


@cache
def public_fields(label: Label) -> frozenset[str]:
    """The fields of a label that are not personal data (what change events may carry)."""
    return frozenset(spec.name for spec in field_specs(label) if not spec.sensitive)


@cache
def optional_times(label: Label) -> frozenset[str]:
    """Optional date and time fields (stored as ISO text, so '' sorts before every value)."""
    times = (ValueKind.DATE, ValueKind.TIMESTAMP)
    return frozenset(s.name for s in field_specs(label) if not s.required and s.kind in times)


@cache
def orderable_fields(label: Label) -> frozenset[str]:
    """Safe sort keys: fields every node of `label` has (required scalars, id, timestamps),
    and optional times, which sort as '' where missing."""
    lists = (ValueKind.ENUM_LIST, ValueKind.OTHER)
    required = {s.name for s in field_specs(label) if s.required and s.kind not in lists}
    return frozenset(required | optional_times(label) | {"id", "created_at", "updated_at"})

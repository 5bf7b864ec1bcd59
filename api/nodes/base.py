"""What every node type shares: the `Node` interface, provenance, the fields derived from the
domain model, and relationship fields as Relay connections.

A label's module writes only what the model cannot say: its relationships and its computed
fields. `node_type` adds a GraphQL field for every shown model field (personal data never
is), in the model's order, and registers how a stored node becomes the object."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import Enum, StrEnum
from typing import Any

import strawberry
from strawberry.types import Info

import api.enums  # noqa: F401  (registers every domain enumeration with GraphQL)
from api.nodes.aggregates import relationship_aggregate
from api.nodes.filter_inputs import FILTER_INPUTS
from api.nodes.history import history_field
from api.nodes.order import ORDER_INPUTS
from api.nodes.prefetch import register_connections, register_to_one
from api.nodes.registry import BUILDERS, COMPUTED, Computed
from api.nodes.related import many, one
from graph.model import Label
from graph.model.fields import FieldSpec, ValueKind, field_specs
from graph.model.personal_text import masked
from graph.records import Direction, NodeRecord

# The package whose namespace holds every node type: relationship fields name their target
# type, and the names resolve there once every label's module is loaded.
TYPES_NAMESPACE = "api.nodes"


@strawberry.type
class Provenance:
    source: str | None
    actor: str | None
    created_at: str | None
    updated_at: str | None
    sources: list[str] = strawberry.field(
        default_factory=list, description="Every source that has described this node."
    )


@strawberry.interface
class Node:
    """Anything in the graph; `id` is global: `Label:key`, e.g. `Resident:R00000001`."""

    id: strawberry.ID
    version: int = strawberry.field(description="Changes so far; pass it back as expectedVersion.")
    provenance: Provenance

    @strawberry.field(
        description="A short name to show it by: its name (a building's with its compound), "
        "title, category or kind; its id where it has none."
    )
    def label(self) -> str:
        return display_label(lambda field: getattr(self, field, None), str(self.id))


LABEL_FIELDS = ("name", "title", "category", "kind")
LABEL_SOURCES = ("compound", *LABEL_FIELDS, "text")  # every property `display_label` reads


def display_label(value: Callable[[str], Any], node_id: str) -> str:
    """A node's short name from its fields (`value` reads one, from a stored node's properties
    or a GraphQL object): its name (a building's with its compound), title, category or kind,
    the start of its text; its id where it has none of them."""
    compound = value("compound")
    for field in LABEL_FIELDS:
        found = value(field)
        if found is None or found == "":
            continue
        if isinstance(found, Enum):
            return found.name
        text = str(found).upper() if field in ("category", "kind") else str(found)
        joined = field == "name" and compound and not text.startswith(str(compound))
        return f"{compound}{text}" if joined else text
    words = value("text")
    return masked(str(words))[:20] if words else node_id


def common_values(record: NodeRecord) -> dict[str, Any]:
    """What every node shows: global id, version and provenance."""
    p = record.props
    return {
        "id": strawberry.ID(str(record.ref)),
        "version": int(p.get("version") or 0),
        "provenance": Provenance(
            source=p.get("prov_source"),
            actor=p.get("prov_actor"),
            created_at=p.get("created_at"),
            updated_at=p.get("updated_at"),
            sources=list(p.get("prov_sources") or []),
        ),
    }


_OUTPUT_TYPES: dict[ValueKind, Any] = {
    ValueKind.TEXT: str,
    ValueKind.INT: int,
    ValueKind.FLOAT: float,
    ValueKind.BOOL: bool,
    ValueKind.DATE: str,  # ISO text, as stored
    ValueKind.TIMESTAMP: str,
}


def output_type(spec: FieldSpec) -> Any:
    """The GraphQL type of a model field. Required text is non-null; every other value is
    nullable, so a value written by another system or an older version that the model no
    longer reads shows as null instead of failing the whole response."""
    if spec.kind == ValueKind.ENUM_LIST:
        return list[spec.enum] | None  # type: ignore[name-defined]
    if spec.enum is not None:
        return spec.enum | None
    if spec.kind not in _OUTPUT_TYPES:
        raise TypeError(f"{spec.name}: a {spec.kind} field is written by hand in its type")
    scalar = _OUTPUT_TYPES[spec.kind]
    return scalar if spec.required and spec.kind == ValueKind.TEXT else scalar | None


def _value(spec: FieldSpec, stored: Any) -> Any:
    if stored is None or spec.enum is None:
        return stored
    if spec.kind == ValueKind.ENUM_LIST:
        return [spec.enum(v) for v in stored]
    return spec.enum(stored)


def node_type(
    label: Label, computed: Computed | None = None, description: str | None = None
) -> Callable[[type], Any]:
    """Make the decorated class `label`'s GraphQL object type. Its own body holds the
    relationship fields and the computed fields (`computed` gives their values from the
    stored node); a model field it declares itself keeps its place in the model's order."""

    def decorate(cls: type) -> Any:
        own = dict(inspect.get_annotations(cls))
        annotations: dict[str, Any] = {}
        derived: list[FieldSpec] = []
        for spec in field_specs(label):
            if not spec.shown:
                continue
            if spec.name in own:
                annotations[spec.name] = own.pop(spec.name)
                continue
            annotations[spec.name] = output_type(spec)
            derived.append(spec)
            if spec.description:
                setattr(cls, spec.name, strawberry.field(description=spec.description))
        cls.__annotations__ = annotations | own
        relationships = {
            name: value.relationship
            for name, value in vars(cls).items()
            if hasattr(value, "relationship")
        }
        register_connections(label.value, relationships)
        for name, relationship in relationships.items():
            setattr(cls, f"{name}_aggregate", relationship_aggregate(*relationship))
        # Not `history`: an incident's `history` is its workflow steps (a domain field).
        cls.change_history = history_field()  # type: ignore[attr-defined]
        register_to_one(
            label.value,
            {name: value.to_one for name, value in vars(cls).items() if hasattr(value, "to_one")},
        )
        graphql_type = strawberry.type(cls, description=description)

        def build(record: NodeRecord) -> Any:
            p = record.props
            values = {spec.name: _value(spec, p.get(spec.name)) for spec in derived}
            extra = computed(record) if computed else {}
            return graphql_type(**common_values(record), **values, **extra)

        BUILDERS[label] = build
        if computed is not None:
            COMPUTED[label] = (frozenset(own), computed)
        return graphql_type

    return decorate


def connection(
    edge: Any, direction: Direction, target: Label, description: str | None = None
) -> Any:
    """A to-many relationship field: a Relay connection to `target` nodes, with the target's
    `filter` and `orderBy` inputs, one store round trip per nesting level. `node_type` adds
    its aggregate beside it (`<field>Aggregate`)."""

    async def resolve(
        self: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Any = None,
        order_by: Any = None,
    ) -> Any:
        return await many(
            info, self, edge, direction, target, first, after, last, before, filter, order=order_by
        )

    # Every annotation evaluated here, but the return type: named, it resolves among the types.
    resolve.__annotations__ = inspect.get_annotations(resolve, eval_str=True)
    resolve.__annotations__["filter"] = FILTER_INPUTS[target] | None
    resolve.__annotations__["order_by"] = ORDER_INPUTS[target] | None
    resolve.__annotations__["return"] = f"Connection[{target.value}]"
    resolve.__module__ = TYPES_NAMESPACE
    field = strawberry.field(resolver=resolve, description=description)
    # What the prefetch planner reads: the relationship this field follows.
    field.relationship = (edge, direction, target)
    return field


def to_one(edge: Any, direction: Direction, target: Label, description: str | None = None) -> Any:
    """A to-one relationship field: the `target` node at the other end, or null."""

    async def resolve(self: Any, info: Info) -> Any:
        return await one(info, self.id, edge, direction, target)

    resolve.__annotations__ = {"info": Info, "return": f"{target.value} | None"}
    resolve.__module__ = TYPES_NAMESPACE
    field = strawberry.field(resolver=resolve, description=description)
    field.to_one = (edge, direction, target)  # what the compiled read path follows
    return field


def enum_or_none(kind: type[StrEnum], value: Any) -> Any:
    return kind(value) if value is not None else None

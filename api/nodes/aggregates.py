"""Aggregates of a filtered list: `residentsAggregate(filter:) { count groupBy(field: GENDER)
{ key count } numbers(field: …) { min max avg sum } age { min max avg } }` at the root, and
the same per node over a relationship (`household { membersAggregate { count } }`). Each
measure is asked of the store when its field is selected: one query at the root, one for
every parent of a level under it."""

from __future__ import annotations

import asyncio
from datetime import date
from enum import StrEnum
from typing import Any

import strawberry
from strawberry.types import Info

from api.nodes.filter_inputs import FILTER_INPUTS, to_filter
from graph.measures import AgesOf, CountOf, GroupsOf, Measure, NumbersOf
from graph.model import EdgeType, Label
from graph.model.fields import GROUPABLE, field_specs
from graph.records import Direction, NodeRef


@strawberry.type(description="How many of the matching nodes hold one value.")
class GroupCount:
    key: str | None = strawberry.field(
        description="The stored code (an enumeration's value, true or false); null: none."
    )
    count: int


@strawberry.type(description="A number field over the matching nodes that hold a value.")
class NumberStats:
    count: int
    min: float | None
    max: float | None
    avg: float | None
    sum: float | None


def _field_enum(label: Label, suffix: str, names: list[str]) -> Any:
    members: Any = StrEnum(f"{label.value}{suffix}", {n.upper(): n for n in names})  # type: ignore[misc]
    return strawberry.enum(members)


async def measured(aggregate: Any, info: Info, measure: Measure) -> Any:
    """`measure` over the aggregate's nodes: all that match, or its parent's related nodes
    (through a loader: every parent at this level in one round trip)."""
    if aggregate.parent is None:
        return await asyncio.to_thread(
            info.context.store.aggregate, aggregate.label, aggregate.where, measure
        )
    edge_type, direction = aggregate.step
    loader = info.context.loaders.related_aggregates(
        edge_type, direction, aggregate.parent.label, aggregate.label, aggregate.where, measure
    )
    return await loader.load(aggregate.parent)


def aggregate_type(label: Label) -> Any:
    """`<Type>Aggregate`: count, groupBy and numbers over one filtered list of `label`: the
    whole label, or one parent's relationship."""
    groupable = [s.name for s in field_specs(label) if s.kind in GROUPABLE and s.meta.filter]
    numeric = [s.name for s in field_specs(label) if s.numeric and s.shown]
    # What the resolvers read, not GraphQL fields.
    private = {
        "label": strawberry.Private[Label],
        "where": strawberry.Private[Any],  # type: ignore[misc]
        "parent": strawberry.Private[NodeRef | None],  # type: ignore[misc]
        "step": strawberry.Private[tuple[EdgeType, Direction] | None],  # type: ignore[misc]
    }
    namespace: dict[str, Any] = {"__annotations__": private, "parent": None, "step": None}

    async def count(self: Any, info: Info) -> int:
        return int(await measured(self, info, CountOf()))

    namespace["count"] = strawberry.field(resolver=count, description="Matching nodes.")
    if groupable:
        group_field = _field_enum(label, "GroupField", groupable)

        async def group_by(self: Any, info: Info, field: Any) -> list[GroupCount]:
            counts = await measured(self, info, GroupsOf(field.value))
            return [GroupCount(key=_code(k), count=n) for k, n in counts]

        group_by.__annotations__.update(field=group_field, info=Info, self=Any)
        group_by.__annotations__["return"] = list[GroupCount]
        namespace["group_by"] = strawberry.field(
            resolver=group_by, description="Matching nodes per value, most first."
        )
    if numeric:
        number_field = _field_enum(label, "NumberField", numeric)

        async def numbers(self: Any, info: Info, field: Any) -> NumberStats:
            return _number_stats(await measured(self, info, NumbersOf(field.value)))

        numbers.__annotations__.update(field=number_field, info=Info, self=Any)
        numbers.__annotations__["return"] = NumberStats
        namespace["numbers"] = strawberry.field(resolver=numbers)
    if label in AGE_FIELDS:

        async def age(self: Any, info: Info) -> NumberStats:
            ages = AgesOf(AGE_FIELDS[self.label], date.today())
            return _number_stats(await measured(self, info, ages))

        namespace["age"] = strawberry.field(
            resolver=age, description="Ages in whole years today (from birth dates)."
        )
    cls = type(f"{label.value}Aggregate", (), namespace)
    return strawberry.type(cls, description=f"Aggregates of matching {label.value} nodes.")


_STATS = ("min", "max", "avg", "sum")
# The date field each label's age is counted from (the `age` of its aggregate).
AGE_FIELDS = {Label.RESIDENT: "birth_date"}


def _number_stats(stats: dict[str, Any]) -> NumberStats:
    return NumberStats(
        count=int(stats["count"] or 0),
        **{k: None if stats[k] is None else float(stats[k]) for k in _STATS},
    )


def _code(key: Any) -> str | None:
    if key is None:
        return None
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


AGGREGATE_TYPES = {label: aggregate_type(label) for label in Label}


def root_aggregate(label: Label) -> Any:
    """A root field `<list>Aggregate(filter:)` for `label`."""
    aggregate = AGGREGATE_TYPES[label]

    async def resolve(self: Any, info: Info, filter: Any = None) -> Any:
        return aggregate(label=label, where=to_filter(label, filter))

    resolve.__annotations__.update(
        filter=FILTER_INPUTS[label] | None, info=Info, self=Any, **{"return": aggregate}
    )
    return strawberry.field(resolver=resolve)


def relationship_aggregate(edge_type: EdgeType, direction: Direction, target: Label) -> Any:
    """A field `<relationship>Aggregate(filter:)` of a node type: aggregates of the `target`
    nodes the node reaches through the relationship."""
    aggregate = AGGREGATE_TYPES[target]

    async def resolve(self: Any, info: Info, filter: Any = None) -> Any:
        return aggregate(
            label=target,
            where=to_filter(target, filter),
            parent=NodeRef.parse(str(self.id)),
            step=(edge_type, direction),
        )

    resolve.__annotations__.update(
        filter=FILTER_INPUTS[target] | None, info=Info, self=Any, **{"return": aggregate}
    )
    return strawberry.field(resolver=resolve)

"""What a planned response is made of: the plans of node objects, their relationship
branches and connections, and the producers that turn a fetched item (`RelatedItem`) into
each response field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLScalarType,
)

from api.nodes.prefetch import Relationship
from api.nodes.registry import COMPUTED
from api.pagination import item_cursor
from graph.model import Label


class NotCompiled(Exception):  # noqa: N818  (not an error: a request for the general path)
    """This request takes the general path."""


# What a response field is made from: the node's item (record, edge, nested pages).
Produce = Callable[[Any], Any]


@dataclass
class ObjectPlan:
    """The response object of one node of `label`."""

    label: Label
    fields: list[tuple[str, Produce]] = field(default_factory=list)
    props: set[str] | None = field(default_factory=set)  # None: every property (computed)
    branches: list[BranchPlan] = field(default_factory=list)

    def reads(self, name: str) -> None:
        if self.props is not None:
            self.props.add(name)

    def shape(self, item: Any) -> dict[str, Any]:
        """The response object of a fetched item (`RelatedItem`)."""
        return {key: produce(item) for key, produce in self.fields}


@dataclass
class BranchPlan:
    """A relationship field: a to-one node or a connection page, fetched with its parent."""

    key: str  # the response key, unique among its siblings
    relationship: Relationship
    one: bool
    arguments: FieldNode | None  # the field, for its page arguments (connections)
    argument_types: Any  # the GraphQL field definition
    node: ObjectPlan
    count: bool
    # Argument values as the field's resolver gets them (its `filter` input), when it has one.
    convert: Callable[[dict[str, Any]], dict[str, Any]] | None = None


@dataclass
class ConnectionPlan:
    """A connection's response: its fields in order, and the plan of its nodes."""

    type_name: str
    edge_type_name: str
    fields: list[tuple[str, str, Any]]  # (response key, what, sub-plan)
    node: ObjectPlan
    count: bool

    def _edge(self, wanted: list[tuple[str, str]], item: Any, cursor: str | None) -> Any:
        edge: dict[str, Any] = {}
        for key, part in wanted:
            if part == "cursor":
                edge[key] = cursor
            elif part == "__typename":
                edge[key] = self.edge_type_name
            else:  # node
                edge[key] = self.node.shape(item)
        return edge

    def cursored(self) -> bool:
        """Whether the response shows a cursor (an edge's, or the page's first or last)."""
        return any(
            (what == "edges" and any(part == "cursor" for _, part in wanted))
            or (
                what == "pageInfo"
                and any(part in ("startCursor", "endCursor") for _, part in wanted)
            )
            for _, what, wanted in self.fields
        )

    def value(
        self,
        items: list[Any],
        cursors: list[str],
        total: int | None,
        has_next: bool,
        has_previous: bool,
    ) -> dict[str, Any]:
        """The connection's response object from its page."""
        out: dict[str, Any] = {}
        for key, what, wanted in self.fields:
            if what == "__typename":
                out[key] = self.type_name
            elif what == "totalCount":
                out[key] = total
            elif what == "nodes":
                out[key] = [self.node.shape(item) for item in items]
            elif what == "edges":
                out[key] = [
                    self._edge(wanted, item, cursors[i] if cursors else None)
                    for i, item in enumerate(items)
                ]
            else:  # pageInfo
                info = {
                    "__typename": "PageInfo",
                    "hasNextPage": has_next,
                    "hasPreviousPage": has_previous,
                    "startCursor": cursors[0] if cursors else None,
                    "endCursor": cursors[-1] if cursors else None,
                }
                out[key] = {k: info[part] for k, part in wanted}
        return out


# Text and yes/no values pass as they are; numbers go through the scalar (range, finiteness).
_NATIVE: dict[str, type] = {"String": str, "ID": str, "Boolean": bool}


def leaf_serializer(graphql_type: GraphQLOutputType) -> Produce:
    """How a stored value becomes this leaf type's response value (null refused where the
    type is non-null: the general path reports that)."""
    non_null = isinstance(graphql_type, GraphQLNonNull)
    inner = graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
    if isinstance(inner, GraphQLList):
        item = leaf_serializer(inner.of_type)

        def many(value: Any) -> Any:
            if value is None:
                if non_null:
                    raise NotCompiled("null for a non-null list")
                return None
            return [item(v) for v in value]

        return many
    if isinstance(inner, GraphQLEnumType):
        names = {
            (v.value.value if isinstance(v.value, Enum) else v.value): name
            for name, v in inner.values.items()
        }

        def enum(value: Any) -> Any:
            if value is None:
                if non_null:
                    raise NotCompiled("null for a non-null enum")
                return None
            try:
                return names[value]
            except KeyError:
                raise NotCompiled("not a value of the enumeration") from None

        return enum
    if isinstance(inner, GraphQLScalarType):
        serialize = inner.serialize
        native = _NATIVE.get(inner.name)  # a value of this Python type is its own response

        def scalar(value: Any) -> Any:
            if value is None:
                if non_null:
                    raise NotCompiled("null for a non-null scalar")
                return None
            return value if type(value) is native else serialize(value)

        return scalar
    raise NotCompiled("not a leaf type")


def from_property(name: str, serialize: Produce) -> Produce:
    return lambda item: serialize(item.node.props.get(name))


def from_computed(label: Label, name: str, serialize: Produce) -> Produce:
    compute = COMPUTED[label][1]
    return lambda item: serialize(compute(item.node)[name])


def global_id(prefix: str) -> Produce:
    return lambda item: prefix + item.node.id


def constant(value: Any) -> Produce:
    return lambda _item: value


def to_one_value(key: str, target: ObjectPlan) -> Produce:
    def produce(item: Any) -> Any:
        page = item.nested[key]
        return target.shape(page.items[0]) if page.items else None

    return produce


def nested_connection(key: str, plan: ConnectionPlan) -> Produce:
    cursored = plan.cursored()

    def produce(item: Any) -> Any:
        page = item.nested[key]
        order = page.order_by
        cursors = [item_cursor(order, i.node.id, i.sort) for i in page.items] if cursored else []
        return plan.value(page.items, cursors, page.total, page.has_next, page.has_previous)

    return produce

"""A read operation planned once per query text: which store calls answer it and how their
records become the response, without a resolver call per field.

The planner accepts what it can answer exactly as the general path would (node fields,
provenance, computed scalars, to-one relationships, connections with their page arguments,
`node(id:)` and the root lists) and refuses anything else with `NotCompiled`; such a request
takes the general path (Strawberry), which also reports every error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
)
from strawberry.utils.str_converters import to_camel_case

from api.nodes.prefetch import CONNECTIONS, TO_ONE, Relationship
from api.nodes.registry import COMPUTED
from api.pagination import encode_cursor
from graph.model import Label
from graph.model.fields import field_specs


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


@dataclass
class ConnectionPlan:
    """A connection's response: its fields in order, and the plan of its nodes."""

    type_name: str
    edge_type_name: str
    fields: list[tuple[str, str, Any]]  # (response key, what, sub-plan)
    node: ObjectPlan
    count: bool

    def _edge(self, wanted: list[tuple[str, str]], item: Any, cursor: str | None) -> Any:
        parts = {"cursor": lambda: cursor, "__typename": lambda: self.edge_type_name}
        return {k: parts.get(part, lambda: self.node.shape(item))() for k, part in wanted}

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


def _leaf_serializer(graphql_type: GraphQLOutputType) -> Produce:
    """How a stored value becomes this leaf type's response value (null refused where the
    type is non-null: the general path reports that)."""
    non_null = isinstance(graphql_type, GraphQLNonNull)
    inner = graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
    if isinstance(inner, GraphQLList):
        item = _leaf_serializer(inner.of_type)

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


def _property(name: str, serialize: Produce) -> Produce:
    return lambda item: serialize(item.node.props.get(name))


def _computed(label: Label, name: str, serialize: Produce) -> Produce:
    compute = COMPUTED[label][1]
    return lambda item: serialize(compute(item.node)[name])


PAGE_ARGUMENTS = ("first", "after", "last", "before")
PAGE_INFO_FIELDS = ("__typename", "hasNextPage", "hasPreviousPage", "startCursor", "endCursor")
PROVENANCE_FIELDS = {
    "source": "prov_source",
    "actor": "prov_actor",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
}


class Planner:
    """Plans the selections of one operation against the schema."""

    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> None:
        self.schema = schema
        self.fragments = fragments

    def collect(self, selection_set: SelectionSetNode | None, type_name: str) -> list[FieldNode]:
        """The fields selected on an object of `type_name`, fragments flattened; a response
        key selected twice, or any directive, is refused."""
        found: dict[str, FieldNode] = {}
        self._collect(selection_set, type_name, found)
        return list(found.values())

    def _collect(
        self, selection_set: SelectionSetNode | None, type_name: str, found: dict[str, FieldNode]
    ) -> None:
        if selection_set is None:
            raise NotCompiled("a selection set is needed")
        for selection in selection_set.selections:
            if selection.directives:
                raise NotCompiled("directives")
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                if key in found:
                    raise NotCompiled("a response key selected twice")
                found[key] = selection
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None or fragment.directives:
                    raise NotCompiled("fragment")
                condition: NamedTypeNode | None = fragment.type_condition
                selections = fragment.selection_set
            elif isinstance(selection, InlineFragmentNode):
                condition, selections = selection.type_condition, selection.selection_set
            else:
                raise NotCompiled("selection")
            if condition is None or self._applies(condition.name.value, type_name):
                self._collect(selections, type_name, found)

    def _applies(self, condition: str, type_name: str) -> bool:
        if condition == type_name:
            return True
        object_type = self.schema.get_type(type_name)
        assert isinstance(object_type, GraphQLObjectType)
        return any(i.name == condition for i in object_type.interfaces)

    def node(self, label: Label, selection_set: SelectionSetNode | None) -> ObjectPlan:
        """The plan of a `label` node's object."""
        object_type = self.schema.get_type(label.value)
        assert isinstance(object_type, GraphQLObjectType)
        specs = {to_camel_case(spec.name): spec for spec in field_specs(label) if spec.shown}
        computed = COMPUTED.get(label, (frozenset(), None))[0]
        plan = ObjectPlan(label)
        for node in self.collect(selection_set, label.value):
            key = node.alias.value if node.alias else node.name.value
            name = node.name.value
            if name == "__typename":
                plan.fields.append((key, _constant(label.value)))
                continue
            definition = object_type.fields.get(name)
            if definition is None:
                raise NotCompiled("unknown field")
            relationship = CONNECTIONS.get((label.value, name))
            one = TO_ONE.get((label.value, name))
            if name == "id":
                plan.fields.append((key, _global_id(label.value + ":")))
            elif name == "version":
                plan.reads("version")
                plan.fields.append((key, lambda item: int(item.node.props.get("version") or 0)))
            elif name == "provenance":
                plan.fields.append((key, self._provenance(node, plan)))
            elif name in specs and not node.arguments:
                plan.reads(specs[name].name)
                plan.fields.append(
                    (key, _property(specs[name].name, _leaf_serializer(definition.type)))
                )
            elif _python_name(name) in computed and not node.arguments:
                plan.props = None  # a computed field may read any property
                plan.fields.append(
                    (key, _computed(label, _python_name(name), _leaf_serializer(definition.type)))
                )
            elif one is not None and not node.arguments:
                target = self.node(one[2], node.selection_set)
                plan.branches.append(
                    BranchPlan(key, one, True, None, definition, target, count=False)
                )
                plan.fields.append((key, _to_one(key, target)))
            elif relationship is not None:
                if any(a.name.value not in PAGE_ARGUMENTS for a in node.arguments or ()):
                    raise NotCompiled("a filtered relationship list")
                connection = self.connection(definition.type, node.selection_set, relationship[2])
                plan.branches.append(
                    BranchPlan(
                        key,
                        relationship,
                        False,
                        node,
                        definition,
                        connection.node,
                        connection.count,
                    )
                )
                plan.fields.append((key, _nested_connection(key, connection)))
            else:
                raise NotCompiled("a field the planner does not know")
        return plan

    def _provenance(self, node: FieldNode, plan: ObjectPlan) -> Produce:
        parts: list[tuple[str, Produce]] = []
        for child in self.collect(node.selection_set, "Provenance"):
            key = child.alias.value if child.alias else child.name.value
            name = child.name.value
            if name == "__typename":
                parts.append((key, lambda _item: "Provenance"))
            elif name in PROVENANCE_FIELDS:
                parts.append((key, _property(PROVENANCE_FIELDS[name], lambda v: v)))
                plan.reads(PROVENANCE_FIELDS[name])
            elif name == "sources":
                parts.append((key, lambda item: list(item.node.props.get("prov_sources") or [])))
                plan.reads("prov_sources")
            else:
                raise NotCompiled("provenance field")
        return lambda item: {k: produce(item) for k, produce in parts}

    def connection(
        self, graphql_type: GraphQLOutputType, selection_set: SelectionSetNode | None, target: Label
    ) -> ConnectionPlan:
        """The plan of a connection's response (`totalCount`, `nodes`, `edges`, `pageInfo`)."""
        connection_type = (
            graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
        )
        assert isinstance(connection_type, GraphQLObjectType)
        edge_type = connection_type.fields["edges"].type
        while not isinstance(edge_type, GraphQLObjectType):
            edge_type = edge_type.of_type
        node_plan: ObjectPlan | None = None
        node_selections: list[SelectionSetNode] = []
        fields: list[tuple[str, str, Any]] = []
        for child in self.collect(selection_set, connection_type.name):
            key = child.alias.value if child.alias else child.name.value
            name = child.name.value
            if name in ("__typename", "totalCount"):
                fields.append((key, name, None))
            elif name == "nodes":
                node_selections.append(child.selection_set)  # type: ignore[arg-type]
                fields.append((key, "nodes", None))
            elif name == "pageInfo":
                wanted = [
                    (c.alias.value if c.alias else c.name.value, c.name.value)
                    for c in self.collect(child.selection_set, "PageInfo")
                ]
                if any(part not in PAGE_INFO_FIELDS for _, part in wanted):
                    raise NotCompiled("page info field")
                fields.append((key, "pageInfo", wanted))
            elif name == "edges":
                wanted = []
                for part in self.collect(child.selection_set, edge_type.name):
                    part_key = part.alias.value if part.alias else part.name.value
                    if part.name.value == "node":
                        node_selections.append(part.selection_set)  # type: ignore[arg-type]
                    elif part.name.value not in ("cursor", "__typename"):
                        raise NotCompiled("edge field")
                    wanted.append((part_key, part.name.value))
                fields.append((key, "edges", wanted))
            else:
                raise NotCompiled("connection field")
        if len(node_selections) > 1:
            raise NotCompiled("nodes selected twice")
        node_plan = self.node(target, node_selections[0] if node_selections else _EMPTY)
        counted = any(what == "totalCount" for _, what, _ in fields)
        return ConnectionPlan(connection_type.name, edge_type.name, fields, node_plan, counted)


_EMPTY = SelectionSetNode(selections=())


def _global_id(prefix: str) -> Produce:
    return lambda item: prefix + item.node.id


def _constant(value: Any) -> Produce:
    return lambda _item: value


def _python_name(graphql_name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in graphql_name)


def _to_one(key: str, target: ObjectPlan) -> Produce:
    def produce(item: Any) -> Any:
        page = item.nested[key]
        return target.shape(page.items[0]) if page.items else None

    return produce


def _nested_connection(key: str, plan: ConnectionPlan) -> Produce:
    cursored = plan.cursored()

    def produce(item: Any) -> Any:
        page = item.nested[key]
        cursors = [encode_cursor(i.node.id) for i in page.items] if cursored else []
        return plan.value(page.items, cursors, page.total, page.has_next, page.has_previous)

    return produce

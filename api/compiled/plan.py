"""A read operation planned once per query text: which store calls answer it and how their
records become the response, without a resolver call per field.

The planner accepts what it can answer exactly as the general path would (node fields,
provenance, computed scalars, to-one relationships, connections with their page arguments,
filters and orders, `node(id:)` and the root lists) and refuses anything else with
`NotCompiled`; such a request takes the general path (Strawberry), which also reports every
error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
)
from strawberry.types.arguments import convert_arguments
from strawberry.utils.str_converters import to_camel_case, to_snake_case

from api.compiled.shapes import (
    BranchPlan,
    ConnectionPlan,
    NotCompiled,
    ObjectPlan,
    Produce,
    constant,
    from_computed,
    from_property,
    global_id,
    leaf_serializer,
    nested_connection,
    to_one_value,
)
from api.nodes.base import LABEL_SOURCES, display_label
from api.nodes.prefetch import CONNECTIONS, TO_ONE
from api.nodes.registry import COMPUTED
from graph.model import Label
from graph.model.fields import field_specs

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
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        strawberry_schema: Any = None,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.strawberry_schema = strawberry_schema

    def _converter(self, type_name: str, field_name: str) -> Callable[[dict[str, Any]], Any]:
        """How a field's argument values become what its resolver gets (input classes)."""
        if self.strawberry_schema is None:
            raise NotCompiled("input arguments need the Strawberry schema")
        return converter(self.strawberry_schema, type_name, field_name)

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
                plan.fields.append((key, constant(label.value)))
                continue
            definition = object_type.fields.get(name)
            if definition is None:
                raise NotCompiled("unknown field")
            relationship = CONNECTIONS.get((label.value, name))
            one = TO_ONE.get((label.value, name))
            if name == "id":
                plan.fields.append((key, global_id(label.value + ":")))
            elif name == "label":
                for source in LABEL_SOURCES:
                    plan.reads(source)
                plan.fields.append(
                    (key, lambda item: display_label(item.node.props.get, str(item.node.ref)))
                )
            elif name == "version":
                plan.reads("version")
                plan.fields.append((key, lambda item: int(item.node.props.get("version") or 0)))
            elif name == "provenance":
                plan.fields.append((key, self._provenance(node, plan)))
            elif name in specs and not node.arguments:
                plan.reads(specs[name].name)
                plan.fields.append(
                    (key, from_property(specs[name].name, leaf_serializer(definition.type)))
                )
            elif to_snake_case(name) in computed and not node.arguments:
                plan.props = None  # a computed field may read any property
                plan.fields.append(
                    (
                        key,
                        from_computed(label, to_snake_case(name), leaf_serializer(definition.type)),
                    )
                )
            elif one is not None and not node.arguments:
                target = self.node(one[2], node.selection_set)
                plan.branches.append(
                    BranchPlan(key, one, True, None, definition, target, count=False)
                )
                plan.fields.append((key, to_one_value(key, target)))
            elif relationship is not None:
                given = {a.name.value for a in node.arguments or ()}
                if given - {*PAGE_ARGUMENTS, "filter", "orderBy"}:
                    raise NotCompiled("an argument the planner does not know")
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
                        self._converter(label.value, name) if given - {*PAGE_ARGUMENTS} else None,
                    )
                )
                plan.fields.append((key, nested_connection(key, connection)))
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
                parts.append((key, from_property(PROVENANCE_FIELDS[name], lambda v: v)))
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


def converter(schema: Any, type_name: str, field_name: str) -> Callable[[dict[str, Any]], Any]:
    """The field's argument values as its resolver gets them (input objects as their Python
    classes), from the values graphql-core coerced."""
    found = schema.get_field_for_type(field_name=field_name, type_name=type_name)
    return partial(
        convert_arguments,
        arguments=found.arguments,
        scalar_registry=schema.schema_converter.scalar_registry,
        config=schema.config,
    )

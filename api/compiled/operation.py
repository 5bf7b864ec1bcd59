"""A query operation compiled once: its root fields planned, then run per request with its
variables: `node(id:)` is one store query with every nested list in it, and so is a root
list's page (its total, when asked, one more)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    OperationDefinitionNode,
    OperationType,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from api.compiled.neighbourhood import NeighbourhoodRoot
from api.compiled.plan import Planner, converter
from api.compiled.shapes import BranchPlan, ConnectionPlan, NotCompiled, ObjectPlan
from api.limits.cost import estimate
from api.nodes.filter_inputs import to_filter
from api.nodes.order import SortDirection
from api.pagination import page_window
from api.roots import list_query
from graph.model import Label
from graph.port import GraphStore
from graph.records import Branch, NodeRef, RelatedItem

# The root lists the compiled path answers: GraphQL field → label.
ROOT_LISTS = {
    "residents": Label.RESIDENT,
    "households": Label.HOUSEHOLD,
    "buildings": Label.BUILDING,
    "grids": Label.GRID,
    "organisations": Label.ORGANISATION,
    "devices": Label.DEVICE,
    "incidents": Label.INCIDENT,
    "petitions": Label.PETITION,
}

Variables = VariableValues
RunRoot = Callable[[GraphStore, Variables], Awaitable[Any]]


def branches(plan: ObjectPlan, variables: Variables) -> tuple[Branch, ...]:
    """The store branches of a node plan's relationship fields, with this request's pages."""
    return tuple(_branch(b, variables) for b in plan.branches)


def _branch(plan: BranchPlan, variables: Variables) -> Branch:
    edge_type, direction, target = plan.relationship
    first: int | None = 1
    after: Any = None
    last: int | None = None
    before: Any = None
    where = None
    order_by, descending = "id", False
    if not plan.one:
        assert plan.arguments is not None
        args = get_argument_values(plan.argument_types, plan.arguments, variables)
        converted = plan.convert(args) if plan.convert is not None else {}
        order = converted.get("order_by")
        if order is not None:
            order_by, descending = order.field.value, order.direction == SortDirection.DESC
        first, after, last, before = page_window(
            args.get("first"), args.get("after"), args.get("last"), args.get("before"), order_by
        )
        where = to_filter(target, converted.get("filter"))
    return Branch(
        plan.key,
        edge_type,
        direction,
        target,
        where,
        first,
        after,
        last,
        before,
        branches(plan.node, variables),
        count=plan.count,
        edge_props=False,
        fields=_fields(plan.node),
        order_by=order_by,
        descending=descending,
    )


def _fields(plan: ObjectPlan) -> tuple[str, ...] | None:
    return None if plan.props is None else tuple(sorted(plan.props))


@dataclass
class NodeRoot:
    """`node(id:)`: the plan of each label's object (or why it cannot be compiled)."""

    field: FieldNode
    definition: GraphQLField
    plans: dict[Label, ObjectPlan | NotCompiled]

    async def __call__(self, store: GraphStore, variables: Variables) -> Any:
        args = get_argument_values(self.definition, self.field, variables)
        try:
            ref = NodeRef.parse(str(args["id"]))
        except ValueError:
            raise NotCompiled("not a global id") from None
        plan = self.plans[ref.label]
        if isinstance(plan, NotCompiled):
            raise NotCompiled(str(plan))
        fetch = partial(store.node_tree, ref, branches(plan, variables), _fields(plan))

        def shaped() -> Any:
            item = fetch()
            return plan.shape(item) if item is not None else None

        return await asyncio.to_thread(shaped)


@dataclass
class ListRoot:
    """A root list (`residents(filter:, orderBy:, first:, …)`)."""

    label: Label
    field: FieldNode
    definition: GraphQLField
    convert: Callable[[dict[str, Any]], dict[str, Any]]
    plan: ConnectionPlan

    async def __call__(self, store: GraphStore, variables: Variables) -> Any:
        """The page (with its trees) and, when asked, the total: two queries at once."""
        args = self.convert(get_argument_values(self.definition, self.field, variables))
        query = list_query(
            self.label,
            args.get("first"),
            args.get("after"),
            args.get("last"),
            args.get("before"),
            args.get("filter"),
            args.get("order_by"),
        )
        fetch = partial(query.page, store, branches(self.plan.node, variables))
        fields = _fields(self.plan.node)

        def shaped(total: int | None) -> Any:
            page = fetch(fields)
            nested = page.nested or [{} for _ in page.records]
            items = [
                RelatedItem(r, {}, found) for r, found in zip(page.records, nested, strict=True)
            ]
            cursors = query.cursors(page)
            return self.plan.value(items, cursors, total, page.has_next, page.has_previous)

        if not self.plan.count:
            return await asyncio.to_thread(shaped, None)
        value, total = await asyncio.gather(
            asyncio.to_thread(shaped, 0), asyncio.to_thread(query.total, store)
        )
        for key, what, _ in self.plan.fields:
            if what == "totalCount":
                value[key] = total
        return value


@dataclass
class CompiledOperation:
    """A query's root fields, each run with the request's variables."""

    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    roots: list[tuple[str, RunRoot | None]]  # None: `__typename`

    def variables(self, schema: Any, given: dict[str, Any] | None) -> Variables:
        coerced = get_variable_values(
            schema, self.operation.variable_definitions or (), given or {}
        )
        if isinstance(coerced, list):
            raise NotCompiled("variables")  # the general path reports them
        return coerced

    def cost(self, schema: Any, variables: Variables) -> int:
        return estimate(schema, self.operation, self.fragments, variables.coerced)

    async def run(self, store: GraphStore, variables: Variables) -> dict[str, Any]:
        """Every root field at once (each its own store queries, on worker threads)."""

        async def typename() -> str:
            return "Query"

        values = await asyncio.gather(
            *(typename() if run is None else run(store, variables) for _, run in self.roots)
        )
        return {key: value for (key, _), value in zip(self.roots, values, strict=True)}


def compile_operation(
    schema: Any,
    query: str,
    operation_name: str | None,
    rules: Sequence[Any],
    max_tokens: int,
) -> CompiledOperation:
    """Compile a query text's operation, or raise NotCompiled (invalid, a mutation or
    subscription, or something the planner does not answer)."""
    graphql_schema = schema._schema
    try:
        document: DocumentNode = parse(query, max_tokens=max_tokens)
    except GraphQLError:
        raise NotCompiled("parse") from None
    if validate(graphql_schema, document, (*specified_rules, *rules)):
        raise NotCompiled("invalid")
    operations = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (operation_name is None or (d.name is not None and d.name.value == operation_name))
    ]
    if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
        raise NotCompiled("not one query operation")
    operation = operations[0]
    if operation.directives or any(v.directives for v in operation.variable_definitions or ()):
        raise NotCompiled("directives")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    planner = Planner(graphql_schema, fragments, schema)
    query_type = graphql_schema.query_type
    assert isinstance(query_type, GraphQLObjectType)
    roots: list[tuple[str, RunRoot | None]] = []
    for node in planner.collect(operation.selection_set, query_type.name):
        key = node.alias.value if node.alias else node.name.value
        name = node.name.value
        if name == "__typename":
            roots.append((key, None))
        elif name == "node":
            plans: dict[Label, ObjectPlan | NotCompiled] = {}
            for label in Label:
                try:
                    plans[label] = planner.node(label, node.selection_set)
                except NotCompiled as refused:
                    plans[label] = refused
            roots.append((key, NodeRoot(node, query_type.fields[name], plans)))
        elif name in ROOT_LISTS:
            label = ROOT_LISTS[name]
            definition = query_type.fields[name]
            convert = converter(schema, "Query", name)

            plan = planner.connection(definition.type, node.selection_set, label)
            roots.append((key, ListRoot(label, node, definition, convert, plan)))
        elif name == "neighbourhood":
            definition = query_type.fields[name]
            convert = converter(schema, "Query", name)
            roots.append((key, NeighbourhoodRoot.plan(planner, node, definition, convert)))
        else:
            raise NotCompiled("a root field the planner does not know")
    return CompiledOperation(operation, fragments, roots)

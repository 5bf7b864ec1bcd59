"""A query's cost, estimated before it runs: the objects it may fetch, page sizes multiplied
through the nesting. A request over the limit is refused with `QUERY_TOO_COSTLY` and the
estimate, so that no single request (30 aliases of 500 residents with their households'
members, say) can hold the server for seconds."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    parse,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# Types whose object fields list what their connection already counted (nodes, edges, node,
# pageInfo): no objects of their own.
PASS_THROUGH_TYPES = ("Connection", "Edge")


def _argument(
    field: FieldNode, name: str, variables: Mapping[str, Any]
) -> Any:  # the argument's value, variables filled in
    for argument in field.arguments or ():
        if argument.name.value == name:
            value: ValueNode = argument.value
            if isinstance(value, VariableNode):
                return variables.get(value.name.value)
            return value_from_ast_untyped(value, dict(variables))
    return None


def _page(value: Any) -> int | None:
    return min(value, MAX_PAGE_SIZE) if isinstance(value, int) and value >= 0 else None


def fan_out(field: FieldNode, paged: bool, variables: Mapping[str, Any]) -> int:
    """How many objects one occurrence of `field` may return (`paged`: it takes first/last)."""
    if paged:
        sizes = [_page(_argument(field, n, variables)) for n in ("first", "last")]
        given = [size for size in sizes if size is not None]
        return max(given) if given else DEFAULT_PAGE_SIZE
    ids = _argument(field, "ids", variables)
    if isinstance(ids, list):
        return len(ids)
    return 1


class CostEstimator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def _type(self, name: str, fallback: GraphQLNamedType) -> GraphQLNamedType:
        found = self.schema.get_type(name)
        return found if found is not None else fallback

    def _fields(
        self, selections: SelectionSetNode, parent: GraphQLNamedType, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        """The fields of a selection set with the type that holds each, fragments expanded
        (each fragment once per path)."""
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                holder = self._type(condition.name.value, parent) if condition else parent
                yield from self._fields(selection.selection_set, holder, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    holder = self._type(fragment.type_condition.name.value, parent)
                    yield from self._fields(fragment.selection_set, holder, seen | {name})

    def cost(
        self,
        selections: SelectionSetNode,
        parent: GraphQLNamedType,
        times: int,
        seen: frozenset[str] = frozenset(),
    ) -> int:
        """Objects fetched under `selections` (of type `parent`) when reached `times` times."""
        total = 0
        for field, holder in self._fields(selections, parent, seen):
            if field.selection_set is None:
                continue  # a scalar: part of its object
            definition = (
                holder.fields.get(field.name.value)
                if isinstance(holder, GraphQLObjectType | GraphQLInterfaceType)
                else None
            )
            child = get_named_type(definition.type) if definition else holder
            if holder.name.endswith(PASS_THROUGH_TYPES):
                total += self.cost(field.selection_set, child, times, seen)
                continue
            paged = definition is not None and bool({"first", "last"} & set(definition.args))
            reached = times * fan_out(field, paged, self.variables)
            total += reached + self.cost(field.selection_set, child, reached, seen)
        return total


def estimate(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> int:
    """The objects `operation` may fetch: page sizes (given, else the default page) and id
    lists multiplied through the nesting."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return CostEstimator(schema, fragments, variables).cost(operation.selection_set, root, 1)


class QueryCostLimit(SchemaExtension):
    """Refuse an operation whose estimated cost is over `max_cost`, before it runs."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = operation_of(document, context.operation_name) if document else None
        if document is not None and operation is not None and not context.result:
            cost = ESTIMATED.get()
            if cost is None:
                schema = context.schema._schema
                cost = estimate(schema, operation, _fragments(document), context.variables or {})
            if cost > self.max_cost:
                context.result = ExecutionResult(data=None, errors=[self._refusal(cost)])
        yield

    def _refusal(self, cost: int) -> GraphQLError:
        return GraphQLError(
            f"the query may fetch about {cost:,} objects, over the limit of "
            f"{self.max_cost:,}: ask for smaller pages, fewer aliases or less nesting",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": self.max_cost},
        )


@lru_cache(maxsize=512)
def _parsed(query: str) -> DocumentNode | None:
    try:
        return parse(query)
    except GraphQLError:
        return None  # the normal path reports it


def operation_cost(
    schema: GraphQLSchema, query: str, operation_name: str | None, variables: Mapping[str, Any]
) -> tuple[OperationType, int] | None:
    """The type and estimate of a query text's operation (None when it does not parse or names
    no single operation: execution then reports why)."""
    document = _parsed(query)
    operation = operation_of(document, operation_name) if document else None
    if document is None or operation is None:
        return None
    return operation.operation, estimate(schema, operation, _fragments(document), variables)


# The estimate of the operation being executed, made once before it runs (see `CivicSchema`).
ESTIMATED: ContextVar[int | None] = ContextVar("estimated_cost", default=None)


def operation_of(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """The operation a request runs: the one named, or the only one (None otherwise)."""
    operations = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (name is None or (d.name is not None and d.name.value == name))
    ]
    return operations[0] if len(operations) == 1 else None


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

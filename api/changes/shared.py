"""One execution of a subscription document per change, shared by every subscriber that sent
the same document: graphql-core would otherwise run the selection set once per subscriber and
change (at 1,000 subscribers, most of the API's time per change).

The hub hands every subscriber the same `Change` object, and `shared_node` makes one GraphQL
`Change` of it; the executor keeps each result on that object for the operation it ran, so
the next subscriber of the same (parser-cached) document gets it back. A document whose
selection below its root field uses variables or directives is executed per subscriber."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from graphql import (
    DirectiveNode,
    ExecutionResult,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    Visitor,
    visit,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.changes.types import ChangeNode, to_node
from events.change import Change

_NODES: OrderedDict[int, tuple[Change, ChangeNode]] = OrderedDict()
_NODES_KEPT = 4096


def shared_node(change: Change) -> ChangeNode:
    """The GraphQL object of a change, the same one for every subscriber handed `change`."""
    key = id(change)
    found = _NODES.get(key)
    if found is not None and found[0] is change:
        return found[1]
    node = to_node(change)
    _NODES[key] = (change, node)
    if len(_NODES) > _NODES_KEPT:
        _NODES.popitem(last=False)
    return node


class _UsesVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.found = True

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.found = True


_SHAREABLE: OrderedDict[int, tuple[OperationDefinitionNode, bool]] = OrderedDict()


def _shareable(operation: OperationDefinitionNode) -> bool:
    """The operation's result for a change depends on nothing but the change: its root
    field's selection uses no variable and no directive."""
    found = _SHAREABLE.get(id(operation))
    if found is not None and found[0] is operation:
        return found[1]
    shareable = operation.operation == OperationType.SUBSCRIPTION and not operation.directives
    for selection in operation.selection_set.selections:
        if getattr(selection, "directives", None):
            shareable = False
        below = getattr(selection, "selection_set", None)
        if below is not None:
            visitor = _UsesVariables()
            visit(below, visitor)
            shareable = shareable and not visitor.found
    _SHAREABLE[id(operation)] = (operation, shareable)
    if len(_SHAREABLE) > 1024:
        _SHAREABLE.popitem(last=False)
    return shareable


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, running a change's subscription event once per document."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        payload = self.root_value
        if not isinstance(payload, ChangeNode) or not _shareable(self.operation):
            return super().execute_operation(serially)
        results: dict[int, tuple[OperationDefinitionNode, ExecutionResult]] = (
            payload.__dict__.setdefault("_shared_results", {})
        )
        found = results.get(id(self.operation))
        if found is not None and found[0] is self.operation:
            return ExecutionResult(found[1].data, found[1].errors)
        result = super().execute_operation(serially)
        if isinstance(result, ExecutionResult) and not result.errors:
            results[id(self.operation)] = (self.operation, result)
        return result

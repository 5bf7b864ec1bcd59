"""The role check of each GraphQL operation, before it runs: every root field it uses must be
one its principal's role may use (see `api.auth.policy`); else FORBIDDEN naming the field."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from api.auth.policy import refusal_of_field
from api.limits.cost import operation_of


def _root_fields(selection: SelectionSetNode, fragments: dict[str, SelectionSetNode]) -> set[str]:
    names: set[str] = set()
    for node in selection.selections:
        if isinstance(node, FieldNode):
            names.add(node.name.value)
        elif isinstance(node, InlineFragmentNode):
            names |= _root_fields(node.selection_set, fragments)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            names |= _root_fields(fragments.pop(node.name.value), fragments)
    return names


class RoleGate(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.result:
            error = self._refusal(context.context, document, context.operation_name)
            if error is not None:
                context.result = ExecutionResult(data=None, errors=[error])
        yield

    def _refusal(
        self, request: object, document: DocumentNode, name: str | None
    ) -> GraphQLError | None:
        principal = getattr(request, "principal", None)
        if principal is None:
            return GraphQLError("credentials are required", extensions={"code": "UNAUTHENTICATED"})
        refusal = None
        fragments = {
            d.name.value: d.selection_set
            for d in document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        operation = operation_of(document, name)
        if operation is not None:
            mutation = operation.operation == OperationType.MUTATION
            for field in sorted(_root_fields(operation.selection_set, fragments)):
                refusal = refusal or refusal_of_field(principal, field, mutation)
        if refusal is None:
            return None
        return GraphQLError(refusal, extensions={"code": "FORBIDDEN"})

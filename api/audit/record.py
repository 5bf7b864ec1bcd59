"""Every write through the API, and every read that shows a personal field, appends an audit
entry: who (the principal, how it authenticated), when, the operation and its root fields, the
entities it named or read, the personal fields it wrote or showed (names only, never values),
the purpose stated, the client's address, and whether it succeeded. Refused writes are
recorded too."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import FieldNode, OperationType, value_from_ast_untyped
from strawberry.extensions import SchemaExtension

from api.auth.principal import Principal
from api.auth.purpose import PURPOSE_HEADER
from api.limits.cost import operation_of
from civicgraph.logs import get_logger
from events.change import camel
from graph.model import NODE_MODELS, Label
from graph.port import AuditTrail
from graph.records import AuditEntry
from graph.write_rows import now_iso

log = get_logger(__name__)
ID_ARGUMENTS = frozenset({"id", "ids", "source", "target", "assignee"})
# Of each upsert field (`upsertResident`), its label; of each label, its personal fields as
# the schema spells them.
UPSERTS = {f"upsert{label.value}": label for label in Label}
PERSONAL = {
    label: frozenset(camel(name) for name in NODE_MODELS[label].sensitive_fields) for label in Label
}


def draft(
    principal: Principal,
    operation: str,
    fields: tuple[str, ...],
    node_ids: tuple[str, ...],
    personal_fields: tuple[str, ...] = (),
    purpose: str | None = None,
    client: str | None = None,
    outcome: str = "ok",
) -> AuditEntry:
    """An entry to append (the trail fills in its sequence and hashes)."""
    return AuditEntry(
        seq=0,
        at=now_iso(),
        actor=principal.sub,
        role=principal.role.value,
        method=principal.method,
        operation=operation[:200],
        fields=fields,
        node_ids=node_ids[:1000],
        personal_fields=personal_fields,
        purpose=purpose[:500] if purpose else None,
        client=client,
        outcome=outcome,
    )


async def append(trail: AuditTrail, entry: AuditEntry) -> None:
    try:
        await asyncio.to_thread(trail.append_audit, entry)
    except Exception as exc:  # noqa: BLE001 (the write stands; the failure must be seen)
        log.error("audit.append_failed", operation=entry.operation, error=type(exc).__name__)


def _ids(field: str, value: Any, key: str | None = None) -> Iterator[str]:
    """The entity ids an argument value names (an upsert input's `id` gets its label)."""
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from _ids(field, inner, name)
    elif isinstance(value, list):
        for inner in value:
            yield from _ids(field, inner, key)
    elif key in ID_ARGUMENTS and isinstance(value, str):
        label = UPSERTS.get(field)
        yield f"{label.value}:{value}" if label and ":" not in value else value


def _personal(field: str, value: Any) -> set[str]:
    label = UPSERTS.get(field)
    if label is None or not isinstance(value, dict):
        return set()
    given = value.get("input", {})
    return {name for name in PERSONAL[label] if isinstance(given, dict) and given.get(name)}


class AuditWrites(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context
        request = context.context
        principal: Principal | None = getattr(request, "principal", None)
        document = context.graphql_document
        if principal is None or document is None:
            return
        operation = operation_of(document, context.operation_name)
        reads = list(getattr(request, "personal_reads", ()))
        # Personal fields it filtered or grouped on (which tells about the people it lists).
        used = {camel(name) for name in getattr(request.store, "personal_uses", ())}
        if operation is None:
            return
        if operation.operation != OperationType.MUTATION and not reads and not used:
            return  # a read that showed no personal field is not audited
        fields: list[str] = []
        ids: list[str] = []
        personal: set[str] = {read.field for read in reads} | used
        variables = context.variables or {}
        for node in operation.selection_set.selections:
            if not isinstance(node, FieldNode):
                continue
            name = node.name.value
            fields.append(name)
            if operation.operation != OperationType.MUTATION:
                continue
            arguments = {
                a.name.value: value_from_ast_untyped(a.value, variables)
                for a in node.arguments or ()
            }
            ids.extend(_ids(name, arguments))
            personal |= _personal(name, arguments)
        ids.extend(read.node_id for read in reads)
        http = getattr(request, "request", None)
        purposes = sorted({read.purpose for read in reads})
        stated = http.headers.get(PURPOSE_HEADER) if http is not None else None
        entry = draft(
            principal,
            context.operation_name or ",".join(fields),
            tuple(fields),
            tuple(dict.fromkeys(ids)),
            tuple(sorted(personal)),
            purpose=",".join(purposes) if purposes else stated,
            client=http.client.host if http is not None and http.client else None,
            outcome="errors" if context.result and context.result.errors else "ok",
        )
        await append(request.store, entry)

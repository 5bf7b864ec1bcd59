"""`auditLog`: the audit trail for administrators, oldest first, a page at a time."""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from strawberry.types import Info

from api.pagination import MAX_PAGE_SIZE
from graph.errors import InvalidInputError
from graph.records import AuditEntry


@strawberry.type(description="One audited write (or read of personal fields); never values.")
class AuditEntryNode:
    seq: int
    at: str
    actor: str
    role: str
    method: str = strawberry.field(description="How the caller authenticated: jwt or apikey.")
    operation: str
    fields: list[str] = strawberry.field(description="The root fields the operation ran.")
    node_ids: list[str] = strawberry.field(description="The entities it named.")
    personal_fields: list[str] = strawberry.field(description="Personal fields it wrote (names).")
    purpose: str | None
    client: str | None = strawberry.field(description="The caller's address.")
    outcome: str = strawberry.field(description="ok, or errors (refused or failed).")
    prev_hash: str
    hash: str = strawberry.field(description="SHA-256 over the entry and the previous hash.")


@strawberry.type
class AuditPage:
    entries: list[AuditEntryNode]
    end_cursor: str | None
    has_next_page: bool


@strawberry.input
class AuditFilter:
    actor: str | None = None
    since: datetime | None = None


def _node(entry: AuditEntry) -> AuditEntryNode:
    return AuditEntryNode(
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        role=entry.role,
        method=entry.method,
        operation=entry.operation,
        fields=list(entry.fields),
        node_ids=list(entry.node_ids),
        personal_fields=list(entry.personal_fields),
        purpose=entry.purpose,
        client=entry.client,
        outcome=entry.outcome,
        prev_hash=entry.prev_hash,
        hash=entry.hash,
    )


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The audit trail, oldest first (administrators only).")
    async def audit_log(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        filter: AuditFilter | None = None,
    ) -> AuditPage:
        if not 1 <= first <= MAX_PAGE_SIZE:
            raise InvalidInputError([f"first: give 1 to {MAX_PAGE_SIZE}"])
        if after is not None and not after.isdigit():
            raise InvalidInputError(["after: not an audit cursor (it is an entry's seq)"])
        wanted = filter or AuditFilter()
        since = wanted.since.strftime("%Y-%m-%dT%H:%M:%SZ") if wanted.since else None
        store = info.context.store
        entries = await asyncio.to_thread(
            store.audit_entries, int(after or 0), first + 1, wanted.actor, since
        )
        page = entries[:first]
        return AuditPage(
            entries=[_node(e) for e in page],
            end_cursor=str(page[-1].seq) if page else after,
            has_next_page=len(entries) > first,
        )

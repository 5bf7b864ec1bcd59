"""Reading a resident's personal fields: masked, withheld or shown by the caller's role and
stated purpose (see `api.auth.purpose`); every read that shows one is remembered for the audit
trail (see `api.audit.record`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from strawberry.types import Info

from api.auth.purpose import (
    NEVER,
    PURPOSE_HEADER,
    Purpose,
    PurposeError,
    access,
    reading_purpose,
)
from events.change import camel
from graph.records import NodeRef


@dataclass(frozen=True)
class PersonalRead:
    node_id: str
    field: str  # as the schema spells it
    purpose: str


def personal_reason(info: Info, name: str, purpose: Purpose | None) -> str | None:
    """Why this caller reads personal field `name` whole (the purpose to audit), or None
    when it may not (a purpose it may not state is an error)."""
    principal = info.context.principal
    if principal is None or access(principal, name) == NEVER:
        return None
    request = getattr(info.context, "request", None)
    stated = purpose.value if purpose else request.headers.get(PURPOSE_HEADER) if request else None
    try:
        return reading_purpose(principal, name, stated)
    except PurposeError as refused:
        code = "FORBIDDEN" if str(refused).startswith("FORBIDDEN") else "BAD_USER_INPUT"
        raise GraphQLError(str(refused), extensions={"code": code}) from None


async def personal_value(
    info: Info, node_id: str, name: str, purpose: Purpose | None
) -> tuple[Any, bool]:
    """The stored value of personal field `name`, and whether the caller may see it whole
    (False: mask it or withhold it). None for a caller whose role never sees it."""
    context = info.context
    principal = context.principal
    if principal is None or access(principal, name) == NEVER:
        return None, False
    reason = personal_reason(info, name, purpose)
    record = await context.loaders.nodes.load(NodeRef.parse(node_id))
    value = record.props.get(name) if record is not None else None
    if value is None or reason is None:
        return value, False
    context.personal_reads.append(PersonalRead(node_id, camel(name), reason))
    return value, True

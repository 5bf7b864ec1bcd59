"""Webhooks in the GraphQL API: create, update, delete, replay, and their delivery status."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import Info

from api.changes.bounds import bounded, manages
from api.changes.fields import expired
from api.changes.types import ChangeFilterInput, to_filter
from api.pagination import bad_input
from events.change import camel
from events.hub import ChangeHub
from events.stream import CursorError, CursorExpiredError, parse_cursor
from events.webhooks.registry import (
    DeadLetter,
    Webhook,
    WebhookRegistry,
    WebhookStatus,
)
from events.webhooks.target import TargetError, check_target

MIN_SECRET, MAX_SECRET = 16, 200
strawberry.enum(WebhookStatus, description="ACTIVE: delivering; FAILING: dead-lettering.")


@dataclass(frozen=True)
class WebhookAdmin:
    """What the webhook fields use: the registry, the hub (cursors) and the URL rule."""

    registry: WebhookRegistry
    hub: ChangeHub
    allow_private: bool


@strawberry.type(name="DeadLetter", description="A change a FAILING webhook did not deliver.")
class DeadLetterNode:
    cursor: str
    at: str
    reason: str
    change: JSON


@strawberry.type(name="Webhook", description="An endpoint that receives changes by POST.")
class WebhookNode:
    id: strawberry.ID
    url: str
    filter: JSON = strawberry.field(description="The change filter it was given.")
    status: WebhookStatus
    position: str = strawberry.field(description="The cursor of the last change handled.")
    created_at: str
    times_sent: int
    times_failed: int
    last_success: str | None
    last_failure: str | None
    last_failure_reason: str | None

    @strawberry.field(description="Changes it could not deliver, oldest first.")
    async def dead_letters(self, info: Info, first: int = 50) -> list[DeadLetterNode]:
        if not 0 < first <= 1000:
            raise bad_input("first: give a number from 1 to 1000")
        letters = await admin_of(info).registry.dead_letters(str(self.id), first)
        return [_letter(letter) for letter in letters]


def _letter(letter: DeadLetter) -> DeadLetterNode:
    return DeadLetterNode(
        cursor=letter.cursor, at=letter.at, reason=letter.reason, change=cast(Any, letter.change)
    )


def _shown(wanted: dict[str, Any]) -> dict[str, Any]:
    """A stored filter as it was given (field names as the schema spells them)."""
    return {**wanted, "fields": [camel(name) for name in wanted.get("fields") or ()]}


def to_node(hook: Webhook) -> WebhookNode:
    return WebhookNode(
        id=strawberry.ID(hook.id),
        url=hook.url,
        filter=cast(Any, _shown(hook.filter.to_dict())),
        status=hook.status,
        position=hook.position,
        created_at=hook.created_at,
        times_sent=hook.times_sent,
        times_failed=hook.times_failed,
        last_success=hook.last_success,
        last_failure=hook.last_failure,
        last_failure_reason=hook.last_failure_reason,
    )


@strawberry.input
class WebhookInput:
    url: str = strawberry.field(description="http(s) endpoint that receives each change.")
    secret: str = strawberry.field(
        description=f"{MIN_SECRET}-{MAX_SECRET} characters; signs every delivery "
        "(X-Civicgraph-Signature: t=<unix time>,v1=<HMAC-SHA256 of `<t>.<body>`>)."
    )
    filter: ChangeFilterInput | None = None
    after: str | None = strawberry.field(
        default=None, description="Deliver the changes after this cursor (none: from now)."
    )


@strawberry.input
class WebhookUpdate:
    url: str | None = None
    secret: str | None = None
    filter: ChangeFilterInput | None = None


def admin_of(info: Info) -> WebhookAdmin:
    admin: WebhookAdmin | None = info.context.webhooks
    if admin is None:
        raise GraphQLError(
            "webhooks: this server has no change stream (set CIVICGRAPH_REDIS_URL)",
            extensions={"code": "CHANGES_UNAVAILABLE"},
        )
    return admin


async def _checked_url(url: str, admin: WebhookAdmin, argument: str) -> str:
    try:
        await asyncio.to_thread(check_target, url, admin.allow_private)
    except TargetError as exc:
        raise bad_input(f"{argument}.{exc}") from None
    return url


def _checked_secret(secret: str, argument: str) -> str:
    if not MIN_SECRET <= len(secret) <= MAX_SECRET:
        raise bad_input(f"{argument}.secret: give {MIN_SECRET} to {MAX_SECRET} characters")
    return secret


async def _checked_cursor(after: str, admin: WebhookAdmin, argument: str) -> str:
    try:
        parse_cursor(after, argument)
        await admin.hub.check_cursor(after)
    except CursorError as exc:
        raise bad_input(str(exc)) from None
    except CursorExpiredError as exc:
        raise expired(exc) from None
    return after


async def _found(info: Info, admin: WebhookAdmin, webhook_id: strawberry.ID) -> Webhook:
    hook = await admin.registry.get(str(webhook_id))
    if hook is None or not manages(info, hook):
        raise GraphQLError(f"id: no webhook {webhook_id}", extensions={"code": "NOT_FOUND"})
    return hook


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="Every webhook, with its delivery status.")
    async def webhooks(self, info: Info) -> list[WebhookNode]:
        hooks = await admin_of(info).registry.all()
        return [to_node(hook) for hook in hooks if manages(info, hook)]

    @strawberry.field(description="One webhook by id.")
    async def webhook(self, info: Info, id: strawberry.ID) -> WebhookNode | None:
        hook = await admin_of(info).registry.get(str(id))
        return to_node(hook) if hook and manages(info, hook) else None


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(description="Register an endpoint that receives changes by POST.")
    async def create_webhook(self, info: Info, input: WebhookInput) -> WebhookNode:
        admin = admin_of(info)
        wanted = bounded(info, to_filter(input.filter))
        secret = _checked_secret(input.secret, "input")
        if input.after is not None:
            position = await _checked_cursor(input.after, admin, "input.after")
        else:
            position = await admin.hub.last_cursor()
        url = await _checked_url(input.url, admin, "input")  # last: it may ask DNS
        owner = info.context.principal.sub if info.context.principal else ""
        return to_node(await admin.registry.create(url, secret, wanted, position, owner))

    @strawberry.mutation(description="Change a webhook's URL, secret or filter.")
    async def update_webhook(
        self, info: Info, id: strawberry.ID, input: WebhookUpdate
    ) -> WebhookNode:
        admin = admin_of(info)
        hook = await _found(info, admin, id)
        if input.url is not None:
            hook.url = await _checked_url(input.url, admin, "input")
        if input.secret is not None:
            hook.secret = _checked_secret(input.secret, "input")
        if input.filter is not None:
            hook.filter = bounded(info, to_filter(input.filter))
        return to_node(await admin.registry.change(hook))

    @strawberry.mutation(description="Remove a webhook and its dead letters.")
    async def delete_webhook(self, info: Info, id: strawberry.ID) -> bool:
        admin = admin_of(info)
        hook = await admin.registry.get(str(id))
        if hook is None or not manages(info, hook):
            return False  # as for a webhook that does not exist
        return await admin.registry.delete(hook.id)

    @strawberry.mutation(
        description="Deliver again every change after `after` (it becomes ACTIVE, its dead "
        "letters are cleared); receivers tell repeats by X-Civicgraph-Event-Id."
    )
    async def replay_webhook(self, info: Info, id: strawberry.ID, after: str) -> WebhookNode:
        admin = admin_of(info)
        hook = await _found(info, admin, id)
        hook.position = await _checked_cursor(after, admin, "after")
        hook.status = WebhookStatus.ACTIVE
        hook.failures_in_row = 0
        hook.retry_at = 0.0
        await admin.registry.clear_dead_letters(hook.id)
        return to_node(await admin.registry.change(hook))

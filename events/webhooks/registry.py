"""Webhooks and their delivery state, kept in Redis beside the change stream (one hash per
webhook, a set of ids, a dead-letter list each). The secret is stored for signing and never
shown again."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson
import redis.asyncio as aioredis

from events.filters import ChangeFilter
from events.stream import StreamKeys

MAX_DEAD_LETTERS = 10_000  # per webhook; the oldest go first
# KEYS: the webhook's hash, the set of ids. ARGV: id, the generation the writer read, then
# field and value pairs. Writes only a webhook that still exists at that generation.
_SAVE = """
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'generation') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
return 1
"""


class WebhookStatus(StrEnum):
    ACTIVE = "ACTIVE"  # delivering
    FAILING = "FAILING"  # too many failures in a row: changes go to its dead-letter list


@dataclass
class Webhook:
    id: str
    url: str
    secret: str
    filter: ChangeFilter
    status: WebhookStatus
    position: str  # the last change handled (delivered, skipped or dead-lettered)
    created_at: str
    times_sent: int = 0
    times_failed: int = 0
    failures_in_row: int = 0
    retry_at: float = 0.0  # unix time before which no delivery is tried
    last_success: str | None = None
    last_failure: str | None = None
    last_failure_reason: str | None = None
    generation: int = 0  # moved on by every change through the API (the dispatcher checks)
    owner: str = ""  # the subject of the credential that registered it ("": an admin's)


@dataclass(frozen=True)
class DeadLetter:
    cursor: str
    at: str
    reason: str
    change: dict[str, Any]


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _decode(raw: dict[Any, Any]) -> Webhook:
    data = {k.decode(): v.decode() for k, v in raw.items()}
    return Webhook(
        id=data["id"],
        url=data["url"],
        secret=data["secret"],
        filter=ChangeFilter.from_dict(orjson.loads(data["filter"])),
        status=WebhookStatus(data["status"]),
        position=data["position"],
        created_at=data["created_at"],
        times_sent=int(data.get("times_sent", 0)),
        times_failed=int(data.get("times_failed", 0)),
        failures_in_row=int(data.get("failures_in_row", 0)),
        retry_at=float(data.get("retry_at", 0)),
        last_success=data.get("last_success") or None,
        last_failure=data.get("last_failure") or None,
        last_failure_reason=data.get("last_failure_reason") or None,
        generation=int(data.get("generation", 0)),
        owner=data.get("owner", ""),
    )


def _encode(hook: Webhook) -> dict[Any, Any]:
    return {
        "id": hook.id,
        "url": hook.url,
        "secret": hook.secret,
        "filter": orjson.dumps(hook.filter.to_dict()).decode(),
        "status": hook.status.value,
        "position": hook.position,
        "created_at": hook.created_at,
        "times_sent": str(hook.times_sent),
        "times_failed": str(hook.times_failed),
        "failures_in_row": str(hook.failures_in_row),
        "retry_at": repr(hook.retry_at),
        "last_success": hook.last_success or "",
        "last_failure": hook.last_failure or "",
        "last_failure_reason": hook.last_failure_reason or "",
        "generation": str(hook.generation),
        "owner": hook.owner,
    }


class WebhookRegistry:
    def __init__(self, client: aioredis.Redis, keys: StreamKeys) -> None:
        self.client = client
        self.ids_key = f"{keys.tag}:webhooks"
        self.tag = keys.tag
        self._save = client.register_script(_SAVE)

    def _key(self, webhook_id: str) -> str:
        return f"{self.tag}:webhook:{webhook_id}"

    def _dead_key(self, webhook_id: str) -> str:
        return f"{self.tag}:webhook:{webhook_id}:dead"

    async def create(
        self, url: str, secret: str, wanted: ChangeFilter, position: str, owner: str = ""
    ) -> Webhook:
        hook = Webhook(
            id=f"W{secrets.token_hex(6)}",
            owner=owner,
            url=url,
            secret=secret,
            filter=wanted,
            status=WebhookStatus.ACTIVE,
            position=position,
            created_at=now_text(),
        )
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(self._key(hook.id), mapping=_encode(hook))
            pipe.sadd(self.ids_key, hook.id)
            await pipe.execute()
        return hook

    async def get(self, webhook_id: str) -> Webhook | None:
        raw = await self.client.hgetall(self._key(webhook_id))
        return _decode(raw) if raw else None

    async def all(self) -> list[Webhook]:
        members: Any = await self.client.smembers(self.ids_key)
        ids = sorted(i.decode() for i in members)
        found = [await self.get(i) for i in ids]
        return [hook for hook in found if hook is not None]

    async def save(self, hook: Webhook) -> bool:
        """Write the delivery state the dispatcher read and moved on; refused (False) when
        the webhook was deleted or changed through the API meanwhile."""
        pairs = [item for pair in _encode(hook).items() for item in pair]
        written = await self._save(
            keys=[self._key(hook.id), self.ids_key], args=[hook.id, str(hook.generation), *pairs]
        )
        return bool(written)

    async def change(self, hook: Webhook) -> Webhook:
        """Write a webhook changed through the API (a new generation)."""
        hook.generation += 1
        await self.client.hset(self._key(hook.id), mapping=_encode(hook))
        return hook

    async def delete(self, webhook_id: str) -> bool:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.srem(self.ids_key, webhook_id)
            pipe.delete(self._key(webhook_id), self._dead_key(webhook_id))
            removed, _ = await pipe.execute()
        return bool(removed)

    async def dead_letter(self, hook: Webhook, letter: DeadLetter) -> None:
        body = orjson.dumps(
            {
                "cursor": letter.cursor,
                "at": letter.at,
                "reason": letter.reason,
                "change": letter.change,
            }
        )
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.rpush(self._dead_key(hook.id), body)
            pipe.ltrim(self._dead_key(hook.id), -MAX_DEAD_LETTERS, -1)
            await pipe.execute()

    async def dead_letters(self, webhook_id: str, first: int) -> list[DeadLetter]:
        raw = await self.client.lrange(self._dead_key(webhook_id), 0, first - 1)
        letters = [orjson.loads(item) for item in raw]
        return [DeadLetter(d["cursor"], d["at"], d["reason"], d["change"]) for d in letters]

    async def clear_dead_letters(self, webhook_id: str) -> None:
        await self.client.delete(self._dead_key(webhook_id))

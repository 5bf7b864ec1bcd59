"""The webhook dispatcher: each webhook's changes POSTed in stream order, one at a time,
signed; a failure is retried with exponential backoff and jitter, and after `max_attempts`
failures in a row the webhook is FAILING: its changes go to its dead-letter list, and a
delivery is tried again once per `probe_s` until one succeeds (then it is ACTIVE again).
`replayWebhook` moves its position back to redeliver. One dispatcher per graph works at a
time (a lease in Redis), in one of the API processes."""

from __future__ import annotations

import asyncio
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import orjson
import redis.asyncio as aioredis
from prometheus_client import Counter

from civicgraph.logs import get_logger
from events.change import Change
from events.stream import LEASE_SCRIPT, StreamKeys, entries_of
from events.tasks import close_quietly, stop_task
from events.webhooks.registry import (
    DeadLetter,
    Webhook,
    WebhookRegistry,
    WebhookStatus,
    now_text,
)
from events.webhooks.signing import SIGNATURE_HEADER, signature
from events.webhooks.target import TargetError, check_target

log = get_logger(__name__)
DELIVERIES = Counter(
    "civicgraph_webhook_deliveries_total", "Webhook delivery attempts", ["outcome"]
)
EVENT_ID_HEADER = "X-Civicgraph-Event-Id"
PAGE = 100


@dataclass(frozen=True)
class DispatchOptions:
    max_attempts: int = 8  # failures in a row before a webhook is FAILING
    backoff_base_s: float = 1.0
    backoff_max_s: float = 300.0
    probe_s: float = 60.0  # how often a FAILING webhook is tried again
    timeout_s: float = 10.0
    poll_s: float = 0.1
    allow_private: bool = False
    lease_s: float = 10.0


def backoff(failures: int, options: DispatchOptions, rng: Callable[[], float]) -> float:
    """Seconds before the next try after `failures` in a row: doubling, capped, jittered
    (between half and all of it)."""
    delay = min(options.backoff_max_s, options.backoff_base_s * 2 ** (failures - 1))
    return delay * (0.5 + rng() / 2)


def delivery_body(hook: Webhook, change: Change) -> bytes:
    return orjson.dumps({"webhookId": hook.id, "change": change.to_public()})


class WebhookDispatcher:
    def __init__(
        self,
        client: aioredis.Redis,
        keys: StreamKeys,
        options: DispatchOptions,
        http: httpx2.AsyncClient | None = None,
    ) -> None:
        self.client = client
        self.keys = keys
        self.registry = WebhookRegistry(client, keys)
        self.options = options
        self.http = http or httpx2.AsyncClient(timeout=options.timeout_s, follow_redirects=False)
        self.token = secrets.token_hex(8)
        self.lease_key = f"{keys.tag}:webhook-lease"
        self._lease = client.register_script(LEASE_SCRIPT)
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._rng = random.random

    async def start(self) -> None:
        self._task = asyncio.create_task(self.run())

    async def close(self) -> None:
        self._stopping = True
        await stop_task(self._task, "webhook dispatcher")
        await close_quietly(self.http.aclose(), "webhook http client")
        await close_quietly(self.client.aclose(), "webhook redis")

    async def run(self) -> None:
        backoff_s = 0.1
        while not self._stopping:
            try:
                held = await self._lease(
                    keys=[self.lease_key], args=[self.token, int(self.options.lease_s * 1000)]
                )
                if held:
                    hooks = await self.registry.all()
                    await asyncio.gather(*(self.deliver_pending(hook) for hook in hooks))
                await asyncio.sleep(self.options.poll_s if held else self.options.lease_s / 3)
                backoff_s = 0.1
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 (Redis away: wait, carry on)
                log.warning("webhooks.retrying", error=type(exc).__name__, wait_s=backoff_s)
                await asyncio.sleep(backoff_s)
                backoff_s = min(backoff_s * 2, 5.0)

    async def deliver_pending(self, hook: Webhook) -> None:
        """Deliver what the webhook has not had yet, as far as its state allows now."""
        if time.time() < hook.retry_at:
            return
        raw: Any = await self.client.xrange(self.keys.stream, f"({hook.position}", "+", count=PAGE)
        entries = entries_of(raw)
        if not entries:
            return  # nothing new: nothing to write back either
        for cursor, change in entries:
            if not hook.filter.matches(change):
                hook.position = cursor
                continue
            if hook.status == WebhookStatus.FAILING and time.time() < hook.retry_at:
                await self._dead_letter(hook, cursor, change, "the webhook is failing")
                continue
            delivered, reason = await self._post(hook, change)
            if delivered:
                hook.position = cursor
                hook.times_sent += 1
                hook.failures_in_row = 0
                hook.status = WebhookStatus.ACTIVE
                hook.last_success = now_text()
                DELIVERIES.labels("delivered").inc()
                continue
            DELIVERIES.labels("failed").inc()
            hook.times_failed += 1
            hook.failures_in_row += 1
            hook.last_failure, hook.last_failure_reason = now_text(), reason
            if hook.status == WebhookStatus.ACTIVE and (
                hook.failures_in_row < self.options.max_attempts
            ):
                hook.retry_at = time.time() + backoff(hook.failures_in_row, self.options, self._rng)
                break  # the same change again, later
            if hook.status == WebhookStatus.ACTIVE:
                log.warning("webhook.failing", webhook=hook.id, reason=reason)
            hook.status = WebhookStatus.FAILING
            hook.retry_at = time.time() + self.options.probe_s
            await self._dead_letter(hook, cursor, change, reason)
        await self.registry.save(hook)

    async def _dead_letter(self, hook: Webhook, cursor: str, change: Change, reason: str) -> None:
        letter = DeadLetter(cursor, now_text(), reason, change.to_public())
        await self.registry.dead_letter(hook, letter)
        hook.position = cursor
        DELIVERIES.labels("dead_lettered").inc()

    async def _post(self, hook: Webhook, change: Change) -> tuple[bool, str]:
        """POST one change; whether the receiver took it, and why not."""
        try:
            await asyncio.to_thread(check_target, hook.url, self.options.allow_private)
        except TargetError as exc:
            return False, str(exc)
        body = delivery_body(hook, change)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(hook.secret, int(time.time()), body),
            EVENT_ID_HEADER: change.cursor,
            "User-Agent": "civicgraph-webhooks",
        }
        try:
            response = await self.http.post(hook.url, content=body, headers=headers)
        except httpx2.HTTPError as exc:
            return False, f"{type(exc).__name__}: the request did not complete"
        if 200 <= response.status_code < 300:
            return True, ""
        return False, f"HTTP {response.status_code}"

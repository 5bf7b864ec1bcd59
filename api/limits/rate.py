"""Per-principal rate limits: a token bucket per authenticated caller (`CIVICGRAPH_RATE_LIMIT_
PER_S` sustained, `CIVICGRAPH_RATE_LIMIT_BURST` at once). Over it, 429 with `Retry-After` and
the GraphQL code RATE_LIMITED. The buckets live in Redis when the API has one (shared by every
worker and API process), else in the process."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol

import orjson
import redis.asyncio as aioredis
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth.principal import SCOPE_KEY, Principal

# KEYS: the bucket. ARGV: rate per second, burst. Returns what to wait, in ms (0: allowed).
_TAKE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or burst
local at = tonumber(held[2]) or t
tokens = math.min(burst, tokens + math.max(0, t - at) * rate)
if tokens < 1 then return math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', tostring(t))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return 0
"""


class Buckets(Protocol):
    async def take(self, key: str) -> float:
        """Take a token for `key`: 0 if there was one, else the seconds until there is."""
        ...


class LocalBuckets:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.held: dict[str, tuple[float, float]] = {}

    async def take(self, key: str) -> float:
        now = time.monotonic()
        tokens, at = self.held.get(key, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < 1:
            return (1 - tokens) / self.rate
        if len(self.held) > 100_000:
            self.held.clear()
        self.held[key] = (tokens - 1, now)
        return 0.0


class RedisBuckets:
    def __init__(self, client: aioredis.Redis, prefix: str, rate: float, burst: int) -> None:
        self.script = client.register_script(_TAKE)
        self.prefix, self.rate, self.burst = prefix, rate, burst

    async def take(self, key: str) -> float:
        wait_ms = await self.script(
            keys=[f"{self.prefix}:rate:{key}"], args=[self.rate, self.burst]
        )
        return int(wait_ms) / 1000


def bucket_key(principal: Principal) -> str:
    return f"{principal.method}:{principal.sub}"


class RateLimit:
    """Placed inside the authentication middleware: it limits authenticated callers only."""

    def __init__(self, app: ASGIApp, buckets: Callable[[], Buckets | None]) -> None:
        self.app = app
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = scope.get(SCOPE_KEY)
        buckets = self.buckets()
        if scope["type"] != "http" or not isinstance(principal, Principal) or buckets is None:
            await self.app(scope, receive, send)
            return
        wait = await buckets.take(bucket_key(principal))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        body = {
            "errors": [
                {
                    "message": f"too many requests from {principal.sub}: retry after {retry} s",
                    "extensions": {"code": "RATE_LIMITED", "retryAfter": retry},
                }
            ]
        }
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"retry-after", str(retry).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": orjson.dumps(body)})

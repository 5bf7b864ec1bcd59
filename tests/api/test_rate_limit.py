"""Per-principal rate limits: a token bucket per caller, in the process or in Redis (shared
by every API process); over it, 429 with Retry-After and RATE_LIMITED; other callers and the
health endpoints are not held back."""

from __future__ import annotations

import time
from pathlib import Path

from api.auth.principal import Role
from civicgraph.settings import Settings
from tests.auth import api_client, bearer
from tests.redis_server import RedisServer

STATS = {"query": "{ stats { buildings } }"}


def _limited(settings: Settings) -> None:
    with api_client(settings, role=None) as client:
        first = bearer(settings, Role.ADMIN, "busy-script")
        other = bearer(settings, Role.INVESTIGATOR, "analyst")
        codes = [client.post("/graphql", json=STATS, headers=first).status_code for _ in range(6)]
        assert codes == [200, 200, 200, 429, 429, 429]  # a burst of 3, then the rate (1/s)
        refused = client.post("/graphql", json=STATS, headers=first)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        [error] = refused.json()["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert client.post("/graphql", json=STATS, headers=other).status_code == 200
        assert client.get("/healthz").status_code == 200
        time.sleep(1.2)  # one token back
        assert client.post("/graphql", json=STATS, headers=first).status_code == 200


def test_a_caller_over_its_rate_gets_429_in_process(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, rate_limit_per_s=1, rate_limit_burst=3, changes=False)
    _limited(settings)


def test_the_buckets_are_shared_through_redis(tmp_path: Path, redis_server: RedisServer) -> None:
    """Two API instances on one Redis: the caller's burst is spent across both."""
    settings = Settings(
        data_dir=tmp_path,
        redis_url=redis_server.url,
        rate_limit_per_s=1,
        rate_limit_burst=3,
        relay=False,
        webhooks=False,
    )
    _limited(settings)
    headers = bearer(settings, Role.ADMIN, "spread-out")
    with api_client(settings, role=None) as one, api_client(settings, role=None) as two:
        codes = [
            (one if n % 2 else two).post("/graphql", json=STATS, headers=headers).status_code
            for n in range(5)
        ]
    assert codes.count(200) == 3 and codes[-1] == 429

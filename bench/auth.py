"""The benchmarks' credentials: servers they start verify tokens with a fixed bench secret,
and every benchmark client sends an admin token signed with it."""

from __future__ import annotations

from pydantic import SecretStr

from api.auth.principal import Role
from api.auth.tokens import issue_token
from civicgraph.settings import Settings

BENCH_SECRET = "civicgraph-benchmarks-only-secret-0123456789"
# Benchmarks measure what the server can do: no per-caller rate limit.
SERVER_ENV = {"CIVICGRAPH_AUTH_JWT_SECRET": BENCH_SECRET, "CIVICGRAPH_RATE_LIMIT_PER_S": "0"}
TOKEN = issue_token(
    Settings(auth_jwt_secret=SecretStr(BENCH_SECRET)), Role.ADMIN, "bench", ttl_s=7 * 86400
)
AUTH = {"Authorization": f"Bearer {TOKEN}"}

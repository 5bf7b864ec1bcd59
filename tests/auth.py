"""Credentials for tests: tokens signed with the test API's own key (its data dir's, or the
configured secret), as `civicgraph auth token` makes them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.auth.principal import Role
from api.auth.tokens import issue_token
from civicgraph.settings import Settings


def token(
    settings: Settings, role: Role = Role.ADMIN, sub: str = "test-admin", **claims: Any
) -> str:
    return issue_token(settings, role, sub, **claims)


def bearer(
    settings: Settings, role: Role = Role.ADMIN, sub: str = "test-admin", **claims: Any
) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(settings, role, sub, **claims)}"}


def api_client(
    settings: Settings, demo: bool = False, role: Role | None = Role.ADMIN, **options: Any
) -> TestClient:
    """A TestClient of the API whose requests carry a token of `role` (None: none)."""
    headers = bearer(settings, role) if role is not None else {}
    client = TestClient(create_app(settings, demo=demo), headers=headers, **options)
    client.app_settings = settings  # type: ignore[attr-defined]
    return client


def acting_as(
    client: TestClient, sub: str, role: Role = Role.ADMIN, **claims: Any
) -> dict[str, str]:
    """Headers that make a request of `client` act for `sub` (the actor changes record)."""
    return bearer(client.app_settings, role, sub, **claims)  # type: ignore[attr-defined]


@contextmanager
def stating_purpose(client: TestClient, purpose: str = "case") -> Iterator[TestClient]:
    """`client` with its requests stating a purpose (X-Purpose) while the block runs: what a
    filter or grouping on a personal field (tags) needs of an admin."""
    client.headers["X-Purpose"] = purpose
    try:
        yield client
    finally:
        del client.headers["X-Purpose"]

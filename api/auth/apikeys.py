"""API keys for integrators: `cgk_<id>_<secret>`, sent as `X-API-Key`. The store keeps the
SHA-256 digest of the secret, never the secret; a checked key is trusted for a few seconds
(`auth_key_cache_s`) before the store is asked again, so a revocation takes effect within
that time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

from api.auth.errors import AuthError
from api.auth.principal import Principal, Role
from graph.port import Credentials
from graph.records import ApiKeyRecord
from graph.write_rows import now_iso

KEY_TEXT = re.compile(r"^cgk_([0-9a-f]{16})_([A-Za-z0-9_-]{20,100})$")


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_key(
    role: Role,
    name: str,
    grids: tuple[str, ...] = (),
    org: str | None = None,
    household: str | None = None,
) -> tuple[str, ApiKeyRecord]:
    """A fresh key: the text to hand over once, and the record to store."""
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    record = ApiKeyRecord(
        id=key_id,
        digest=digest_of(secret),
        name=name,
        role=role.value,
        grids=grids,
        org=org,
        household=household,
        created_at=now_iso(),
    )
    return f"cgk_{key_id}_{secret}", record


def principal_of_key(record: ApiKeyRecord) -> Principal:
    return Principal(
        sub=f"apikey:{record.name or record.id}",
        role=Role(record.role),
        grids=record.grids,
        org=record.org,
        household=record.household,
        method="apikey",
    )


class ApiKeyVerifier:
    def __init__(self, store: Credentials, cache_s: float) -> None:
        self.store = store
        self.cache_s = cache_s
        self._checked: dict[str, tuple[float, Principal]] = {}  # by the key's digest

    def verify(self, text: str) -> Principal:
        """The principal of a key (this may read the store: call it off the event loop)."""
        match = KEY_TEXT.match(text.strip())
        if match is None:
            raise AuthError("the API key is malformed")
        key_id, secret = match.groups()
        digest = digest_of(secret)
        cached = self._checked.get(digest)
        if cached is not None and time.monotonic() - cached[0] < self.cache_s:
            return cached[1]
        record = self.store.api_key(key_id)
        if record is None or not hmac.compare_digest(record.digest, digest):
            raise AuthError("the API key is not known")
        if record.revoked_at is not None:
            raise AuthError("the API key was revoked")
        principal = principal_of_key(record)
        if len(self._checked) > 10_000:
            self._checked.clear()
        self._checked[digest] = (time.monotonic(), principal)
        return principal

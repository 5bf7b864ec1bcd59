"""Authentication failures: a 401 with `WWW-Authenticate` and the GraphQL code UNAUTHENTICATED."""

from __future__ import annotations


class AuthError(Exception):
    """Credentials that are missing or do not verify; the message says why, never the data."""

    def __init__(self, reason: str, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing  # no credentials at all (no `error=` in WWW-Authenticate)

    def challenge(self) -> str:
        """The `WWW-Authenticate` value (RFC 6750)."""
        if self.missing:
            return 'Bearer realm="civicgraph"'
        reason = self.reason.replace('"', "'")
        return f'Bearer realm="civicgraph", error="invalid_token", error_description="{reason}"'

    def body(self) -> dict[str, object]:
        return {"errors": [{"message": self.reason, "extensions": {"code": "UNAUTHENTICATED"}}]}

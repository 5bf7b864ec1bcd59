"""API keys as the store keeps them: a digest of each secret, never the secret."""

from __future__ import annotations

from typing import Any

from graph.cypher.session import CypherSession
from graph.records import ApiKeyRecord
from graph.write_rows import now_iso


def _record(props: dict[str, Any]) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=props["id"],
        digest=props["digest"],
        name=props.get("name") or "",
        role=props["role"],
        grids=tuple(props.get("grids") or ()),
        org=props.get("org"),
        household=props.get("household"),
        created_at=props["created_at"],
        created_by=props.get("created_by") or "",
        revoked_at=props.get("revoked_at"),
    )


class Credentials:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def create_api_key(self, key: ApiKeyRecord, actor: str) -> None:
        params = {
            "id": key.id,
            "digest": key.digest,
            "name": key.name,
            "role": key.role,
            "grids": list(key.grids),
            "org": key.org,
            "household": key.household,
            "now": key.created_at,
            "actor": actor,
        }
        self.session.write(self.session.q("api_key_create"), params)

    def api_key(self, key_id: str) -> ApiKeyRecord | None:
        rows = self.session.read(self.session.q("api_key_get"), {"id": key_id})
        return _record(dict(rows[0]["key"])) if rows else None

    def api_keys(self) -> list[ApiKeyRecord]:
        return [_record(dict(r["key"])) for r in self.session.read(self.session.q("api_keys"))]

    def revoke_api_key(self, key_id: str, actor: str) -> bool:
        params = {"id": key_id, "now": now_iso(), "actor": actor}
        return bool(self.session.write(self.session.q("api_key_revoke"), params))

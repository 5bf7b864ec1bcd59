"""Registered GraphQL documents (persisted queries), by the SHA-256 of their text."""

from __future__ import annotations

from collections.abc import Sequence

from graph.cypher.session import CypherSession
from graph.write_rows import now_iso


class PersistedQueries:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def save_persisted_query(self, sha256: str, query: str, actor: str) -> None:
        params = {"hash": sha256, "query": query, "now": now_iso(), "actor": actor}
        self.session.write(self.session.q("persisted_query_save"), params)

    def persisted_queries(self, hashes: Sequence[str]) -> dict[str, str]:
        rows = self.session.read(self.session.q("persisted_query_get"), {"hashes": list(hashes)})
        return {row["hash"]: row["query"] for row in rows}

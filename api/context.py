"""Per-request GraphQL context."""

from __future__ import annotations

from strawberry.fastapi import BaseContext

from graph.cypher_store import CypherStore


class Context(BaseContext):
    def __init__(self, store: CypherStore) -> None:
        super().__init__()
        self.store = store

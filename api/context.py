"""Per-request GraphQL context."""

from __future__ import annotations

from strawberry.fastapi import BaseContext

from api.loaders import Loaders
from graph.cypher_store import CypherStore


class Context(BaseContext):
    """What every resolver may use: the store and this request's DataLoaders."""

    def __init__(self, store: CypherStore, actor: str = "anonymous") -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self.loaders = Loaders(store)

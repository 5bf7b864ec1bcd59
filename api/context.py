"""Per-request GraphQL context."""

from __future__ import annotations

from urllib.parse import unquote

from starlette.requests import Request
from strawberry.fastapi import BaseContext

from api.loaders import Loaders
from graph.port import GraphStore


class Context(BaseContext):
    """What every resolver may use: the store and this request's DataLoaders."""

    def __init__(self, store: GraphStore, actor: str = "anonymous") -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self.loaders = Loaders(store)


def actor_of(request: Request) -> str:
    """Who acts: the X-Actor header (percent-encoded UTF-8, so Chinese names travel in it)."""
    return unquote(request.headers.get("x-actor", "anonymous"))[:100] or "anonymous"

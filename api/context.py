"""Per-request GraphQL context."""

from __future__ import annotations

from urllib.parse import unquote

from starlette.requests import HTTPConnection
from strawberry.fastapi import BaseContext

from api.changes.webhooks import WebhookAdmin
from api.loaders import Loaders
from events.hub import ChangeHub
from graph.port import GraphStore


class Context(BaseContext):
    """What every resolver may use: the store, this request's DataLoaders and the process's
    change hub (None without a change stream)."""

    def __init__(
        self,
        store: GraphStore,
        actor: str = "anonymous",
        changes: ChangeHub | None = None,
        webhooks: WebhookAdmin | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self.loaders = Loaders(store)
        self.changes = changes
        self.webhooks = webhooks


def actor_of(request: HTTPConnection) -> str:
    """Who acts: the X-Actor header (percent-encoded UTF-8, so Chinese names travel in it)."""
    return unquote(request.headers.get("x-actor", "anonymous"))[:100] or "anonymous"

"""Per-request GraphQL context."""

from __future__ import annotations

from strawberry.fastapi import BaseContext

from api.auth.principal import Principal
from api.changes.webhooks import WebhookAdmin
from api.loaders import Loaders
from api.nodes.personal import PersonalRead
from events.hub import ChangeHub
from graph.port import GraphStore


class Context(BaseContext):
    """What every resolver may use: the store, whom the request acts for (None only on a
    WebSocket before its `connection_init`), this request's DataLoaders and the process's
    change hub (None without a change stream)."""

    def __init__(
        self,
        store: GraphStore,
        principal: Principal | None,
        changes: ChangeHub | None = None,
        webhooks: WebhookAdmin | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.principal = principal
        self.loaders = Loaders(store)
        self.changes = changes
        self.webhooks = webhooks
        self.personal_reads: list[PersonalRead] = []  # what the audit trail records

    @property
    def actor(self) -> str:
        """Who acts, as changes and the incident workflow record it: the principal's subject."""
        return self.principal.sub if self.principal is not None else "anonymous"

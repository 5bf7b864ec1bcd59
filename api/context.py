"""Per-request GraphQL context."""

from __future__ import annotations

from strawberry.fastapi import BaseContext

from api.auth.principal import Principal
from api.auth.purpose import PURPOSE_HEADER
from api.auth.rows import caller_store
from api.changes.webhooks import WebhookAdmin
from api.loaders import Loaders
from api.nodes.personal import PersonalRead
from events.hub import ChangeHub
from graph.guarded.store import GuardedStore
from graph.port import GraphStore
from nlp.petitions import PetitionService
from risk.cache import ProjectionCache


class Context(BaseContext):
    """What every resolver may use: the store as the caller may use it (its rows, see
    `api.auth.rows`), whom the request acts for (None only on a WebSocket before its
    `connection_init`), this request's DataLoaders over that store and the process's change
    hub (None without a change stream)."""

    def __init__(
        self,
        store: GraphStore,
        principal: Principal | None,
        changes: ChangeHub | None = None,
        webhooks: WebhookAdmin | None = None,
        risk: ProjectionCache | None = None,
        petitions: PetitionService | None = None,
    ) -> None:
        super().__init__()
        self.risk = risk
        self.petitions = petitions
        self.base_store = store
        self.principal = principal
        self._view: tuple[Principal | None, GuardedStore, Loaders] | None = None
        self.changes = changes
        self.webhooks = webhooks
        self.personal_reads: list[PersonalRead] = []  # what the audit trail records

    @property
    def actor(self) -> str:
        """Who acts, as changes and the incident workflow record it: the principal's subject."""
        return self.principal.sub if self.principal is not None else "anonymous"

    def _current(self) -> tuple[Principal | None, GuardedStore, Loaders]:
        """The caller's store and loaders, made again if the principal changed (a WebSocket
        authenticates in its `connection_init`, after the context is made)."""
        if self._view is None or self._view[0] is not self.principal:
            request = getattr(self, "request", None)
            stated = request.headers.get(PURPOSE_HEADER) if request is not None else None
            store = caller_store(self.base_store, self.principal, stated)
            self._view = (self.principal, store, Loaders(store))
        return self._view

    @property
    def store(self) -> GuardedStore:
        return self._current()[1]

    @property
    def loaders(self) -> Loaders:
        return self._current()[2]

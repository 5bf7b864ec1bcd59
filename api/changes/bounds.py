"""The changes a caller may receive: a caller bounded to grids (a grid worker, an integrator
given grids) only changes placed in them, through the pull query, subscriptions and the
webhooks it registers; callers bounded to a property company's buildings or a household get
no change feed (their rows are not grids, which is what changes are placed by). Webhooks
belong to whoever registered them: an integrator sees and changes its own, an admin all."""

from __future__ import annotations

from dataclasses import replace

from graphql import GraphQLError
from strawberry.types import Info

from api.auth.principal import Role
from api.auth.purpose import NEVER, access
from events.filters import ChangeFilter
from events.webhooks.registry import Webhook
from graph.scope import ScopeKind


def grid_bound(info: Info) -> frozenset[str] | None:
    """The grids this caller's changes are bounded to (None: not bounded)."""
    scope = info.context.store.scope
    if scope is None:
        return None
    if scope.kind != ScopeKind.GRIDS:
        role = info.context.principal.role if info.context.principal else "anonymous"
        raise GraphQLError(
            f"FORBIDDEN: the change feed is not available to the {role} role",
            extensions={"code": "FORBIDDEN"},
        )
    return frozenset(scope.ids)


def bounded(info: Info, wanted: ChangeFilter) -> ChangeFilter:
    """`wanted`, kept to the changes the caller may receive: within its grids, and without
    risk alerts about residents unless its role may read their tags."""
    bound = grid_bound(info)
    principal = info.context.principal
    alerts = principal is not None and access(principal, "tags") != NEVER
    return replace(
        wanted,
        within_grids=wanted.within_grids if bound is None else bound,
        resident_alerts=wanted.resident_alerts and alerts,
    )


def manages(info: Info, hook: Webhook) -> bool:
    """Whether the caller may see and change `hook`: an admin every one; anyone else those
    it registered (and, bounded to grids, only those bounded within them)."""
    principal = info.context.principal
    if principal is not None and principal.role == Role.ADMIN:
        return True
    if principal is None or hook.owner != principal.sub:
        return False
    bound = grid_bound(info)
    within = hook.filter.within_grids
    return bound is None or (within is not None and within <= bound)

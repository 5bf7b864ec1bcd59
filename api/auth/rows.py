"""Which rows a caller reaches, and the store as it may use it: a grid worker (or an
integrator given grids) its grids and every grid below them, a property company the buildings
its organisation MANAGES, a resident its own household; the other roles every row."""

from __future__ import annotations

from api.auth.principal import Principal, Role
from api.auth.purpose import PERSONAL_FIELDS, closed_fields
from graph.guarded.store import GuardedStore
from graph.port import GraphStore
from graph.scope import RowScope, ScopeKind

NOWHERE = RowScope(ScopeKind.GRIDS, ())  # sees no row at all


def row_scope(principal: Principal | None) -> RowScope | None:
    """The caller's row scope (None: every row). A claim missing from a bounded role's
    credential leaves it no rows, not every row."""
    if principal is None:
        return NOWHERE
    if principal.role == Role.GRID_WORKER or (
        principal.role == Role.INTEGRATOR and principal.grids
    ):
        return RowScope(ScopeKind.GRIDS, tuple(principal.grids))
    if principal.role == Role.PROPERTY_COMPANY:
        orgs = (principal.org,) if principal.org else ()
        return RowScope(ScopeKind.ORGANISATION, orgs)
    if principal.role == Role.RESIDENT:
        households = (principal.household,) if principal.household else ()
        return RowScope(ScopeKind.HOUSEHOLD, households)
    return None


def caller_store(
    store: GraphStore, principal: Principal | None, stated: str | None
) -> GuardedStore:
    """`store` bounded to the caller's rows, closed to the personal fields it may not use in
    a filter (given the purpose the request states, if any)."""
    if principal is None:
        return GuardedStore(store, NOWHERE, PERSONAL_FIELDS)
    return GuardedStore(store, row_scope(principal), closed_fields(principal, stated))

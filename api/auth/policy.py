"""What each role may do. Roles whose reads and writes are bounded to rows (a grid worker's
grids, a property company's buildings, a resident's household, an integrator given grids)
are refused as a whole until row scoping is compiled into the store queries: this version
never serves them rows they may not see."""

from __future__ import annotations

from api.auth.principal import Principal, Role

ROW_SCOPED = frozenset({Role.GRID_WORKER, Role.PROPERTY_COMPANY, Role.RESIDENT})
WEBHOOK_FIELDS = frozenset(
    {"webhooks", "webhook", "createWebhook", "updateWebhook", "deleteWebhook", "replayWebhook"}
)
ADMIN_ONLY = frozenset({"auditLog"})
# The root fields a role may use beyond reading the graph and subscribing to its changes.
WRITES: dict[Role, frozenset[str] | None] = {
    Role.ADMIN: None,  # every one
    Role.INVESTIGATOR: frozenset(),
    Role.INTEGRATOR: WEBHOOK_FIELDS,
}


def refusal_of_role(principal: Principal) -> str | None:
    """Why this principal may do nothing at all in this version, or None."""
    if principal.role in ROW_SCOPED or (principal.role == Role.INTEGRATOR and principal.grids):
        return (
            f"FORBIDDEN: the {principal.role} role works within its own rows, and this "
            "version cannot yet bound reads and writes to them; use an admin, investigator "
            "or grid-less integrator credential"
        )
    return None


def refusal_of_field(principal: Principal, field: str, mutation: bool) -> str | None:
    """Why this principal may not use a root field, or None."""
    allowed = WRITES.get(principal.role, frozenset())
    if field in ADMIN_ONLY and principal.role != Role.ADMIN:
        return f"FORBIDDEN: {field} is for administrators"
    if allowed is None or (not mutation and field not in WEBHOOK_FIELDS):
        return None
    if field in allowed:
        return None
    return f"FORBIDDEN: the {principal.role} role may not use {field}"


def may_ingest_alerts(principal: Principal) -> bool:
    return principal.role in (Role.ADMIN, Role.INTEGRATOR)

"""What each role may do beyond reading the graph within its rows (`api.auth.rows`) and
subscribing to its changes: the root fields it may write through."""

from __future__ import annotations

from api.auth.principal import Principal, Role

WEBHOOK_FIELDS = frozenset(
    {"webhooks", "webhook", "createWebhook", "updateWebhook", "deleteWebhook", "replayWebhook"}
)
ADMIN_ONLY = frozenset({"auditLog"})
# Reads over the whole graph that no row scope bounds yet: for the roles that see every row.
EVERY_ROW = frozenset({"runScenario"})
UNBOUNDED = frozenset({Role.ADMIN, Role.INVESTIGATOR})
# Reads over the whole graph bounded to rows where rows are grids or managed buildings.
ASSESSORS = frozenset({Role.ADMIN, Role.INVESTIGATOR, Role.GRID_WORKER, Role.PROPERTY_COMPANY})
INCIDENT_ACTIONS = frozenset(
    f"{action}Incident"
    for action in (
        "report", "dispatch", "accept", "register", "handle", "verify",
        "close", "void", "hold", "supervise", "resume",
    )
)  # fmt: skip
GRAPH_EDITS = frozenset(
    {"upsertResident", "upsertHousehold", "upsertBuilding", "upsertIncident", "upsertPetition"}
) | {"deleteNode", "link", "unlink"}
# The root fields a role may write through (None: every one); each write stays within the
# caller's rows (`graph.guarded.store`).
WRITES: dict[Role, frozenset[str] | None] = {
    Role.ADMIN: None,
    Role.INVESTIGATOR: frozenset(),
    Role.INTEGRATOR: WEBHOOK_FIELDS,
    Role.GRID_WORKER: GRAPH_EDITS | INCIDENT_ACTIONS,
    Role.PROPERTY_COMPANY: INCIDENT_ACTIONS,
    Role.RESIDENT: frozenset({"upsertPetition", "link"}),
}


def refusal_of_field(principal: Principal, field: str, mutation: bool) -> str | None:
    """Why this principal may not use a root field, or None."""
    allowed = WRITES.get(principal.role, frozenset())
    if field in ADMIN_ONLY and principal.role != Role.ADMIN:
        return f"FORBIDDEN: {field} is for administrators"
    if field in EVERY_ROW and principal.role not in UNBOUNDED:
        return f"FORBIDDEN: {field} is for administrators and investigators"
    if field == "riskAssessment" and principal.role not in ASSESSORS:
        return f"FORBIDDEN: the {principal.role} role may not use {field}"
    if allowed is None or (not mutation and field not in WEBHOOK_FIELDS):
        return None
    if field in allowed:
        return None
    return f"FORBIDDEN: the {principal.role} role may not use {field}"


def may_ingest_alerts(principal: Principal) -> bool:
    return principal.role in (Role.ADMIN, Role.INTEGRATOR)

"""What each role may do beyond reading the graph within its rows (`api.auth.rows`) and
subscribing to its changes: the root fields it may write through."""

from __future__ import annotations

from api.auth.principal import Principal, Role

WEBHOOK_FIELDS = frozenset(
    {"webhooks", "webhook", "createWebhook", "updateWebhook", "deleteWebhook", "replayWebhook"}
)
# Root fields only some roles may use at all, and who they are for (the message names them).
ONLY_FOR: dict[str, tuple[frozenset[Role], str]] = {
    "auditLog": (frozenset({Role.ADMIN}), "administrators"),
    # Over the whole graph; no row scope bounds it yet.
    "runScenario": (frozenset({Role.ADMIN, Role.INVESTIGATOR}), "administrators and investigators"),
    # Saved queries read the whole graph.
    "runSavedQuery": (
        frozenset({Role.ADMIN, Role.INVESTIGATOR}),
        "administrators and investigators",
    ),
    # Bounded to rows where rows are grids or managed buildings (`api.risk.fields.rows_of`).
    "riskAssessment": (
        frozenset({Role.ADMIN, Role.INVESTIGATOR, Role.GRID_WORKER, Role.PROPERTY_COMPANY}),
        "administrators, investigators, grid workers and property companies",
    ),
}
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
INVESTIGATIONS = frozenset({"createInvestigation", "updateInvestigation"})
WRITES: dict[Role, frozenset[str] | None] = {
    Role.ADMIN: None,
    Role.INVESTIGATOR: INVESTIGATIONS,
    Role.INTEGRATOR: WEBHOOK_FIELDS,
    Role.GRID_WORKER: GRAPH_EDITS
    | INCIDENT_ACTIONS
    | INVESTIGATIONS
    | {"saveRiskAssessment", "submitPetition"},
    Role.PROPERTY_COMPANY: INCIDENT_ACTIONS,
    Role.RESIDENT: frozenset({"upsertPetition", "link", "submitPetition"}),
}


def refusal_of_field(principal: Principal, field: str, mutation: bool) -> str | None:
    """Why this principal may not use a root field, or None."""
    allowed = WRITES.get(principal.role, frozenset())
    if field in ONLY_FOR and principal.role not in ONLY_FOR[field][0]:
        return f"FORBIDDEN: {field} is for {ONLY_FOR[field][1]}"
    if allowed is None or (not mutation and field not in WEBHOOK_FIELDS):
        return None
    if field in allowed:
        return None
    return f"FORBIDDEN: the {principal.role} role may not use {field}"


def may_ingest_alerts(principal: Principal) -> bool:
    return principal.role in (Role.ADMIN, Role.INTEGRATOR)

"""Personal fields (ID number, phone, key-population and health tags): how each role sees
each one, and the purposes that open them. A field a role sees `SHOWN` it reads whole; one it
sees `BY_PURPOSE` it reads masked (ID number, phone) or not at all (tags) unless the request
states a purpose the role permits (`X-Purpose` header or a field's `purpose` argument); one it
sees `NEVER` it never reads, nor filters or groups on. Every read that shows one is audited."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from api.auth.principal import Principal, Role

PURPOSE_HEADER = "x-purpose"


@strawberry.enum(description="Why a caller reads personal fields (recorded in the audit trail).")
class Purpose(StrEnum):
    EMERGENCY = "emergency"  # 应急处置: reaching people an incident endangers
    WELFARE = "welfare"  # 走访关怀: visits and care of vulnerable residents
    CASE = "case"  # 案件办理: an investigation or a petition being handled
    VERIFICATION = "verification"  # 身份核验: checking who someone is


class Access(StrEnum):
    SHOWN = "shown"
    BY_PURPOSE = "by_purpose"
    NEVER = "never"


SHOWN, BY_PURPOSE, NEVER = Access.SHOWN, Access.BY_PURPOSE, Access.NEVER
PERSONAL_FIELDS = ("id_number", "phone", "tags")  # of Resident, as the model names them
# Per role, the access to each personal field; a grid worker only ever reads residents of its
# own grids, a resident only its own household (the row scope sees to that).
ACCESS: dict[Role, dict[str, Access]] = {
    Role.ADMIN: dict.fromkeys(PERSONAL_FIELDS, BY_PURPOSE),
    Role.INVESTIGATOR: dict.fromkeys(PERSONAL_FIELDS, BY_PURPOSE),
    Role.GRID_WORKER: {"id_number": BY_PURPOSE, "phone": SHOWN, "tags": SHOWN},
    Role.RESIDENT: {"id_number": BY_PURPOSE, "phone": SHOWN, "tags": SHOWN},
    Role.PROPERTY_COMPANY: {"id_number": NEVER, "phone": BY_PURPOSE, "tags": NEVER},
    Role.INTEGRATOR: dict.fromkeys(PERSONAL_FIELDS, NEVER),
}
PERMITTED: dict[Role, frozenset[Purpose]] = {
    Role.ADMIN: frozenset(Purpose),
    Role.INVESTIGATOR: frozenset({Purpose.CASE, Purpose.EMERGENCY}),
    Role.GRID_WORKER: frozenset({Purpose.EMERGENCY, Purpose.WELFARE, Purpose.VERIFICATION}),
    Role.RESIDENT: frozenset({Purpose.VERIFICATION}),
    Role.PROPERTY_COMPANY: frozenset({Purpose.EMERGENCY}),
}
DUTY = "duty"  # what the audit trail records as the purpose of a read a role sees SHOWN


def access(principal: Principal, field: str) -> Access:
    return ACCESS.get(principal.role, {}).get(field, NEVER)


def closed_fields(principal: Principal, stated: str | None) -> frozenset[str]:
    """The personal fields this caller may not filter, group or order on: those it never
    sees, and those it sees by purpose when the request states none its role permits."""
    try:
        purpose_of(principal, stated)
    except PurposeError:
        stated = None
    return frozenset(f for f in PERSONAL_FIELDS if reading_purpose(principal, f, stated) is None)


def reading_purpose(principal: Principal, field: str, stated: str | None) -> str | None:
    """Why this caller reads personal `field` whole, as the audit trail records it: the
    purpose it states, DUTY where its role reads the field without one; None where it may not
    read it whole. A purpose that is not one, or that its role may not use, raises."""
    seen = access(principal, field)
    if seen == NEVER:
        return None
    opened = purpose_of(principal, stated)
    if opened is not None:
        return opened.value
    return DUTY if seen == SHOWN else None


class PurposeError(Exception):
    """A purpose stated that the caller's role may not use, or that is not a purpose."""


def purpose_of(principal: Principal, stated: str | None) -> Purpose | None:
    """The purpose that opens personal fields to this caller (None: they stay closed)."""
    if stated is None:
        return None
    try:
        purpose = Purpose(stated.strip().lower())
    except ValueError:
        choices = ", ".join(p.value for p in Purpose)
        raise PurposeError(f"X-Purpose: {stated[:40]!r} is not one of {choices}") from None
    if purpose not in PERMITTED.get(principal.role, frozenset()):
        raise PurposeError(
            f"FORBIDDEN: the {principal.role} role may not read personal fields for {purpose}"
        )
    return purpose

"""Personal fields (ID number, phone, key-population and health tags) and the purposes that
open them. Without a purpose its role permits, a caller sees an ID number and a phone masked
and no tags; with one (`X-Purpose` header or a field's `purpose` argument) it sees them, and
the read is audited. Integrators and property companies never see them."""

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


PERMITTED: dict[Role, frozenset[Purpose]] = {
    Role.ADMIN: frozenset(Purpose),
    Role.INVESTIGATOR: frozenset({Purpose.CASE, Purpose.EMERGENCY}),
}


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


def mask_id_number(value: str) -> str:
    return (
        value[:6] + "*" * max(0, len(value) - 10) + value[-4:]
        if len(value) > 10
        else "*" * len(value)
    )


def mask_phone(value: str) -> str:
    return (
        value[:3] + "*" * max(0, len(value) - 7) + value[-4:]
        if len(value) > 7
        else "*" * len(value)
    )

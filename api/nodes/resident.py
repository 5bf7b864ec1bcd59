"""Resident: a person of the community (人). Its personal fields are shown by role and stated
purpose (`api.nodes.personal`)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from api.auth.purpose import Purpose
from api.enums import HouseholdRoleEnum, KeyPopulationTag
from api.nodes.base import Node, connection, node_type, to_one
from api.nodes.personal import PersonalRead, personal_reason, personal_value
from api.nodes.related import related_one
from api.nodes.saved_risk import SavedRisk, saved_risk
from graph.model import EdgeType as E
from graph.model import Label
from graph.model.masks import mask_id_number, mask_phone
from graph.records import Direction, NodeRecord, NodeRef

OUT, IN = Direction.OUT, Direction.IN
L = Label


def age_on(birth: str | None, today: date) -> int | None:
    if not birth:
        return None
    born = date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _computed(record: NodeRecord) -> dict[str, object]:
    return {"age": age_on(record.props.get("birth_date"), date.today())}


@node_type(L.RESIDENT, _computed)
class Resident(Node):
    age: int | None

    household = to_one(
        E.MEMBER_OF, OUT, L.HOUSEHOLD, description="The household the resident belongs to."
    )

    @strawberry.field(
        description="ID number (身份证号), personal: masked (330203********1234) unless the "
        "request states a purpose its role permits (`purpose`, or the X-Purpose header); a "
        "read that shows it is audited. Null for integrators and property companies."
    )
    async def id_number(self, info: Info, purpose: Purpose | None = None) -> str | None:
        value, whole = await personal_value(info, self.id, "id_number", purpose)
        return value if whole or value is None else mask_id_number(value)

    @strawberry.field(
        description="Phone, personal: whole to grid workers (of the resident's grid) and to the "
        "resident's household; to others masked (138****8000) unless the request states a "
        "purpose their role permits; a read that shows it is audited. Null for integrators."
    )
    async def phone(self, info: Info, purpose: Purpose | None = None) -> str | None:
        value, whole = await personal_value(info, self.id, "phone", purpose)
        return value if whole or value is None else mask_phone(value)

    @strawberry.field(
        description="Key-population and health tags (重点人群), personal: shown to grid workers "
        "(of the resident's grid) and to the resident's household; to others withheld (null) "
        "unless the request states a purpose their role permits; a read that shows them is "
        "audited. Never to integrators or property companies."
    )
    async def tags(
        self, info: Info, purpose: Purpose | None = None
    ) -> list[KeyPopulationTag] | None:
        value, whole = await personal_value(info, self.id, "tags", purpose)
        return [KeyPopulationTag(t) for t in value] if whole and value is not None else None

    @strawberry.field(
        description="The last saved risk assessment's score of this resident. It follows the "
        "resident's health and key-population tags, so it is shown as the tags are (the same "
        "roles and purposes; a read that shows it is audited)."
    )
    async def risk(self, info: Info, purpose: Purpose | None = None) -> SavedRisk | None:
        reason = personal_reason(info, "tags", purpose)
        if reason is None:
            return None
        record = await info.context.loaders.nodes.load(NodeRef.parse(self.id))
        found = saved_risk(record) if record is not None else None
        if found is not None:
            info.context.personal_reads.append(PersonalRead(self.id, "risk", reason))
        return found

    @strawberry.field(description="Role in the household (head, spouse, child, tenant...).")
    async def household_role(self, info: Info) -> HouseholdRoleEnum | None:
        item = await related_one(info, self.id, E.MEMBER_OF, OUT, L.HOUSEHOLD)
        return HouseholdRoleEnum(item.edge_props["role"]) if item else None

    works_for = connection(E.WORKS_FOR, OUT, L.ORGANISATION)

    volunteers_for = connection(E.VOLUNTEERS_FOR, OUT, L.ORGANISATION)

    grid_worker_of = connection(
        E.GRID_WORKER_OF,
        OUT,
        L.GRID,
        description="Grids this resident works in as a grid worker.",
    )

    emergency_contact_of = connection(
        E.EMERGENCY_CONTACT_OF,
        OUT,
        L.RESIDENT,
        description="Residents this resident is the emergency contact of.",
    )

    emergency_contacts = connection(
        E.EMERGENCY_CONTACT_OF, IN, L.RESIDENT, description="This resident's emergency contacts."
    )

    guardians = connection(E.GUARDIAN_OF, IN, L.RESIDENT)

    guardian_of = connection(E.GUARDIAN_OF, OUT, L.RESIDENT)

    cared_for_by = connection(
        E.CARES_FOR, IN, L.ORGANISATION, description="Organisations caring for this resident."
    )

    cares_for = connection(
        E.CARES_FOR, OUT, L.RESIDENT, description="Residents this resident cares for."
    )

    cared_for_by_residents = connection(
        E.CARES_FOR, IN, L.RESIDENT, description="Residents caring for this resident."
    )

    incidents = connection(
        E.INVOLVES,
        IN,
        L.INCIDENT,
        description="Incidents that involve this resident.",
    )

    petitions = connection(
        E.SUBMITTED_BY,
        IN,
        L.PETITION,
        description="Petitions this resident submitted.",
    )

"""GraphQL object types of the domain, with their relationships as fields in both directions.

Personal fields (ID number, phone, key-population tags) are not exposed here; they will be
served only to authorised roles.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from api.enums import (
    BuildingUse,
    DeviceKind,
    DeviceStatus,
    Gender,
    GridLevel,
    HouseholdRoleEnum,
    IncidentCategory,
    IncidentSource,
    IncidentStatus,
    KeyPopulationTag,
    OrganisationKind,
    PetitionChannel,
    PetitionNature,
    RentalRiskLevel,
    Residency,
    Severity,
    Tenure,
)
from api.filters import (
    BuildingFilter,
    DeviceFilter,
    GridFilter,
    HouseholdFilter,
    IncidentFilter,
    OrganisationFilter,
    PetitionFilter,
    ResidentFilter,
)
from api.registry import builds, to_graphql
from api.relay import Connection
from api.resolve import many, one, parent_ref, related_one
from graph.listing import RelatedItem
from graph.model import EdgeType as E
from graph.model import Label
from graph.store import Direction, NodeRecord
from graph.workflow import is_overdue

OUT, IN, BOTH = Direction.OUT, Direction.IN, Direction.BOTH
L = Label


def connection(
    edge: E,
    direction: Direction,
    target: Label,
    node: str,
    filter_type: Any = None,
    description: str | None = None,
) -> Any:
    """A to-many relationship field: a Relay connection to `node` objects, one store round trip
    per nesting level. `node` is the type's name, resolved here once all types exist."""
    if filter_type is None:

        async def resolve(
            self: Any,
            info: Info,
            first: int | None = None,
            after: str | None = None,
            last: int | None = None,
            before: str | None = None,
        ) -> Any:
            return await many(info, self.id, edge, direction, target, first, after, last, before)
    else:

        async def resolve(  # type: ignore[misc]  # the variant with a filter argument
            self: Any,
            info: Info,
            first: int | None = None,
            after: str | None = None,
            last: int | None = None,
            before: str | None = None,
            filter: Any = None,
        ) -> Any:
            return await many(
                info, self.id, edge, direction, target, first, after, last, before, filter
            )

        resolve.__annotations__["filter"] = filter_type | None
    resolve.__annotations__["return"] = f"Connection[{node}]"
    return strawberry.field(resolver=resolve, description=description)


@strawberry.type
class Provenance:
    source: str | None
    actor: str | None
    created_at: str | None
    updated_at: str | None
    sources: list[str] = strawberry.field(
        default_factory=list, description="Every source that has described this node."
    )


@strawberry.interface
class Node:
    """Anything in the graph; `id` is global: `Label:key`, e.g. `Resident:R00000001`."""

    id: strawberry.ID
    version: int = strawberry.field(description="Changes so far; pass it back as expectedVersion.")
    provenance: Provenance


@strawberry.type
class Resident(Node):
    name: str
    gender: Gender | None
    residency: Residency | None
    age: int | None

    @strawberry.field(description="The household the resident belongs to.")
    async def household(self, info: Info) -> Household | None:
        return await one(info, self.id, E.MEMBER_OF, OUT, L.HOUSEHOLD)

    @strawberry.field(description="Role in the household (head, spouse, child, tenant...).")
    async def household_role(self, info: Info) -> HouseholdRoleEnum | None:
        item = await related_one(info, self.id, E.MEMBER_OF, OUT, L.HOUSEHOLD)
        return HouseholdRoleEnum(item.edge_props["role"]) if item else None

    works_for = connection(E.WORKS_FOR, OUT, L.ORGANISATION, "Organisation", OrganisationFilter)

    volunteers_for = connection(
        E.VOLUNTEERS_FOR, OUT, L.ORGANISATION, "Organisation", OrganisationFilter
    )

    grid_worker_of = connection(
        E.GRID_WORKER_OF,
        OUT,
        L.GRID,
        "Grid",
        description="Grids this resident works in as a grid worker.",
    )

    emergency_contact_of = connection(
        E.EMERGENCY_CONTACT_OF,
        OUT,
        L.RESIDENT,
        "Resident",
        description="Residents this resident is the emergency contact of.",
    )

    emergency_contacts = connection(
        E.EMERGENCY_CONTACT_OF,
        IN,
        L.RESIDENT,
        "Resident",
        description="This resident's emergency contacts.",
    )

    guardians = connection(E.GUARDIAN_OF, IN, L.RESIDENT, "Resident")

    guardian_of = connection(E.GUARDIAN_OF, OUT, L.RESIDENT, "Resident")

    cared_for_by = connection(
        E.CARES_FOR,
        IN,
        L.ORGANISATION,
        "Organisation",
        description="Organisations caring for this resident.",
    )

    cares_for = connection(
        E.CARES_FOR, OUT, L.RESIDENT, "Resident", description="Residents this resident cares for."
    )

    cared_for_by_residents = connection(
        E.CARES_FOR, IN, L.RESIDENT, "Resident", description="Residents caring for this resident."
    )

    incidents = connection(
        E.INVOLVES,
        IN,
        L.INCIDENT,
        "Incident",
        IncidentFilter,
        description="Incidents that involve this resident.",
    )

    petitions = connection(
        E.SUBMITTED_BY,
        IN,
        L.PETITION,
        "Petition",
        PetitionFilter,
        description="Petitions this resident submitted.",
    )


@strawberry.type
class Household(Node):
    tenure: Tenure | None

    members = connection(E.MEMBER_OF, IN, L.RESIDENT, "Resident", ResidentFilter)

    @strawberry.field
    async def building(self, info: Info) -> Building | None:
        return await one(info, self.id, E.RESIDES_IN, OUT, L.BUILDING)

    @strawberry.field(description="Unit (单元) of the dwelling.")
    async def unit(self, info: Info) -> str | None:
        item = await related_one(info, self.id, E.RESIDES_IN, OUT, L.BUILDING)
        return item.edge_props.get("unit") if item else None

    @strawberry.field(description="Room (室) of the dwelling.")
    async def room(self, info: Info) -> str | None:
        item = await related_one(info, self.id, E.RESIDES_IN, OUT, L.BUILDING)
        return item.edge_props.get("room") if item else None


@strawberry.type
class Building(Node):
    name: str
    address: str | None
    compound: str | None
    floors: int | None
    units: int | None
    year_built: int | None
    use: BuildingUse | None
    lat: float | None
    lon: float | None
    rental_risk_level: RentalRiskLevel | None

    households = connection(E.RESIDES_IN, IN, L.HOUSEHOLD, "Household", HouseholdFilter)

    @strawberry.field
    async def grid(self, info: Info) -> Grid | None:
        return await one(info, self.id, E.IN_GRID, OUT, L.GRID)

    devices = connection(
        E.INSTALLED_IN,
        IN,
        L.DEVICE,
        "Device",
        DeviceFilter,
        description="Devices installed in the building.",
    )

    supplied_by = connection(
        E.SUPPLIES,
        IN,
        L.DEVICE,
        "Device",
        DeviceFilter,
        description="Utility assets supplying the building.",
    )

    managed_by = connection(
        E.MANAGES,
        IN,
        L.ORGANISATION,
        "Organisation",
        description="Property-management companies of the building.",
    )

    organisations = connection(
        E.LOCATED_IN,
        IN,
        L.ORGANISATION,
        "Organisation",
        OrganisationFilter,
        description="Organisations located in the building.",
    )

    adjacent = connection(E.ADJACENT_TO, BOTH, L.BUILDING, "Building")

    incidents = connection(E.OCCURRED_AT, IN, L.INCIDENT, "Incident", IncidentFilter)


@strawberry.type
class TagCount:
    tag: KeyPopulationTag
    count: int


@strawberry.type
class StatusCount:
    status: IncidentStatus
    count: int


@strawberry.type
class CategoryCount:
    category: IncidentCategory
    count: int


@strawberry.type(description="Aggregates of a grid and every grid below it.")
class GridStatistics:
    buildings: int
    households: int
    population: int
    residents_by_tag: list[TagCount]
    open_incidents_by_status: list[StatusCount]
    open_incidents_by_category: list[CategoryCount]
    overdue_incidents: int


@strawberry.type
class Grid(Node):
    name: str
    level: GridLevel | None

    @strawberry.field(description="Population, housing and open incidents, rolled up.")
    async def statistics(self, info: Info) -> GridStatistics:
        stats = await info.context.loaders.grid_statistics.load(parent_ref(self.id).id)
        return GridStatistics(
            buildings=stats.buildings,
            households=stats.households,
            population=stats.residents,
            residents_by_tag=[
                TagCount(tag=KeyPopulationTag(t), count=n)
                for t, n in stats.residents_by_tag.most_common()
            ],
            open_incidents_by_status=[
                StatusCount(status=IncidentStatus(s), count=n)
                for s, n in stats.open_incidents_by_status.most_common()
            ],
            open_incidents_by_category=[
                CategoryCount(category=IncidentCategory(c), count=n)
                for c, n in stats.open_incidents_by_category.most_common()
            ],
            overdue_incidents=stats.overdue_incidents,
        )

    buildings = connection(E.IN_GRID, IN, L.BUILDING, "Building", BuildingFilter)

    @strawberry.field(description="The grid one level up (community, street, district).")
    async def parent(self, info: Info) -> Grid | None:
        return await one(info, self.id, E.PART_OF, OUT, L.GRID)

    children = connection(E.PART_OF, IN, L.GRID, "Grid", GridFilter)

    workers = connection(
        E.GRID_WORKER_OF,
        IN,
        L.RESIDENT,
        "Resident",
        description="Grid workers (网格员) serving this grid.",
    )

    incidents = connection(
        E.OCCURRED_AT,
        IN,
        L.INCIDENT,
        "Incident",
        IncidentFilter,
        description="Incidents recorded at the grid itself (not at a building).",
    )


@strawberry.type
class Organisation(Node):
    name: str
    kind: OrganisationKind | None
    phone: str | None

    manages = connection(
        E.MANAGES,
        OUT,
        L.BUILDING,
        "Building",
        BuildingFilter,
        description="Buildings this organisation manages.",
    )

    @strawberry.field
    async def located_in(self, info: Info) -> Building | None:
        return await one(info, self.id, E.LOCATED_IN, OUT, L.BUILDING)

    staff = connection(E.WORKS_FOR, IN, L.RESIDENT, "Resident")

    volunteers = connection(E.VOLUNTEERS_FOR, IN, L.RESIDENT, "Resident")

    cares_for = connection(
        E.CARES_FOR,
        OUT,
        L.RESIDENT,
        "Resident",
        description="Residents this organisation cares for.",
    )

    involved_in = connection(
        E.INVOLVES,
        IN,
        L.INCIDENT,
        "Incident",
        description="Incidents this organisation is involved in.",
    )

    assigned_incidents = connection(
        E.ASSIGNED_TO,
        IN,
        L.INCIDENT,
        "Incident",
        IncidentFilter,
        description="Incidents dispatched to this organisation.",
    )


@strawberry.type
class Device(Node):
    kind: DeviceKind | None
    status: DeviceStatus | None
    installed_at: str | None

    @strawberry.field
    async def installed_in(self, info: Info) -> Building | None:
        return await one(info, self.id, E.INSTALLED_IN, OUT, L.BUILDING)

    supplied_buildings = connection(
        E.SUPPLIES,
        OUT,
        L.BUILDING,
        "Building",
        BuildingFilter,
        description="Buildings this utility asset supplies.",
    )

    feeds = connection(
        E.FEEDS,
        OUT,
        L.DEVICE,
        "Device",
        DeviceFilter,
        description="Downstream assets this one feeds.",
    )

    @strawberry.field(description="The upstream asset feeding this one.")
    async def fed_by(self, info: Info) -> Device | None:
        return await one(info, self.id, E.FEEDS, IN, L.DEVICE)

    involved_in = connection(
        E.INVOLVES, IN, L.INCIDENT, "Incident", description="Incidents this device is involved in."
    )

    incidents = connection(
        E.RAISED_BY,
        IN,
        L.INCIDENT,
        "Incident",
        IncidentFilter,
        description="Incidents this device raised.",
    )


@strawberry.type(description="One step of the closed loop: who did what, when, and why.")
class IncidentStep:
    at: str
    actor: str
    action: str
    from_status: IncidentStatus | None
    to_status: IncidentStatus
    note: str | None


@strawberry.type
class Incident(Node):
    category: IncidentCategory | None
    severity: Severity | None
    status: IncidentStatus | None
    reported_at: str | None
    deadline_at: str | None
    description: str | None
    source: IncidentSource | None
    history: list[IncidentStep]
    overdue: bool = strawberry.field(description="Open and past its deadline (超时).")
    alert_count: int | None = strawberry.field(
        default=None, description="Device alerts folded into it (null if not raised by a device)."
    )
    last_alert_at: str | None = None

    @strawberry.field(description="The building where it happened, if recorded at a building.")
    async def building(self, info: Info) -> Building | None:
        return await one(info, self.id, E.OCCURRED_AT, OUT, L.BUILDING)

    @strawberry.field(description="The grid where it happened, if recorded at a grid.")
    async def grid(self, info: Info) -> Grid | None:
        return await one(info, self.id, E.OCCURRED_AT, OUT, L.GRID)

    involves = connection(
        E.INVOLVES, OUT, L.RESIDENT, "Resident", ResidentFilter, description="Residents involved."
    )

    involved_organisations = connection(
        E.INVOLVES, OUT, L.ORGANISATION, "Organisation", description="Organisations involved."
    )

    involved_devices = connection(
        E.INVOLVES, OUT, L.DEVICE, "Device", description="Devices involved."
    )

    @strawberry.field(description="The device whose alert raised it.")
    async def raised_by(self, info: Info) -> Device | None:
        return await one(info, self.id, E.RAISED_BY, OUT, L.DEVICE)

    @strawberry.field(description="The organisation it is dispatched to.")
    async def assigned_to(self, info: Info) -> Organisation | None:
        return await one(info, self.id, E.ASSIGNED_TO, OUT, L.ORGANISATION)

    petitions = connection(
        E.REPORTS, IN, L.PETITION, "Petition", description="Petitions that reported it."
    )


@strawberry.type
class Petition(Node):
    text: str
    channel: PetitionChannel | None
    submitted_at: str | None
    title: str | None
    nature: PetitionNature | None
    source_category: str | None = strawberry.field(
        description="The category the source system filed it under (its own words)."
    )
    reply: str | None = strawberry.field(description="The official reply, if any.")

    @strawberry.field(description="The submitter; null for anonymous petitions.")
    async def submitted_by(self, info: Info) -> Resident | None:
        return await one(info, self.id, E.SUBMITTED_BY, OUT, L.RESIDENT)

    incidents = connection(
        E.REPORTS, OUT, L.INCIDENT, "Incident", description="Incidents this petition reported."
    )

    @strawberry.field(description="Residents, places and things the petition's text names.")
    async def mentions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Mention]:
        return await many(
            info, self.id, E.MENTIONS, OUT, None, first, after, last, before, wrap=_mention
        )


@strawberry.type(description="One entity named in a petition, with where and how surely.")
class Mention:
    node: Node
    confidence: float = strawberry.field(description="0 to 1: how sure the extraction is.")
    span: str | None = strawberry.field(description="The words of the text that name it.")


def _mention(item: RelatedItem) -> Mention:
    return Mention(
        node=to_graphql(item.node),
        confidence=float(item.edge_props.get("confidence", 0.0)),
        span=item.edge_props.get("span"),
    )


def _history(text: str | None) -> list[IncidentStep]:
    steps = json.loads(text) if text else []
    return [
        IncidentStep(
            at=s["at"],
            actor=s["actor"],
            action=s["action"],
            from_status=_enum(IncidentStatus, s.get("from_status")),
            to_status=IncidentStatus(s["to_status"]),
            note=s.get("note"),
        )
        for s in steps
    ]


def _enum(kind: Any, value: Any) -> Any:
    return kind(value) if value is not None else None


def _age(birth: str | None, today: date) -> int | None:
    if not birth:
        return None
    born = date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _common(record: NodeRecord) -> dict[str, Any]:
    """What every node shows: global id, version and provenance."""
    p = record.props
    return {
        "id": strawberry.ID(str(record.ref)),
        "version": int(p.get("version") or 0),
        "provenance": Provenance(
            source=p.get("prov_source"),
            actor=p.get("prov_actor"),
            created_at=p.get("created_at"),
            updated_at=p.get("updated_at"),
            sources=list(p.get("prov_sources") or []),
        ),
    }


@builds(Label.RESIDENT)
def _resident(record: NodeRecord) -> Resident:
    p = record.props
    return Resident(
        **_common(record),
        name=p["name"],
        gender=_enum(Gender, p.get("gender")),
        residency=_enum(Residency, p.get("residency")),
        age=_age(p.get("birth_date"), date.today()),
    )


@builds(Label.HOUSEHOLD)
def _household(record: NodeRecord) -> Household:
    return Household(**_common(record), tenure=_enum(Tenure, record.props.get("tenure")))


@builds(Label.BUILDING)
def _building(record: NodeRecord) -> Building:
    p = record.props
    return Building(
        **_common(record),
        name=p["name"],
        address=p.get("address"),
        compound=p.get("compound"),
        floors=p.get("floors"),
        units=p.get("units"),
        year_built=p.get("year_built"),
        use=_enum(BuildingUse, p.get("use")),
        lat=p.get("lat"),
        lon=p.get("lon"),
        rental_risk_level=_enum(RentalRiskLevel, p.get("rental_risk_level")),
    )


@builds(Label.GRID)
def _grid(record: NodeRecord) -> Grid:
    p = record.props
    return Grid(**_common(record), name=p["name"], level=_enum(GridLevel, p.get("level")))


@builds(Label.ORGANISATION)
def _organisation(record: NodeRecord) -> Organisation:
    p = record.props
    return Organisation(
        **_common(record),
        name=p["name"],
        kind=_enum(OrganisationKind, p.get("kind")),
        phone=p.get("phone"),
    )


@builds(Label.DEVICE)
def _device(record: NodeRecord) -> Device:
    p = record.props
    return Device(
        **_common(record),
        kind=_enum(DeviceKind, p.get("kind")),
        status=_enum(DeviceStatus, p.get("status")),
        installed_at=p.get("installed_at"),
    )


@builds(Label.INCIDENT)
def _incident(record: NodeRecord) -> Incident:
    p = record.props
    return Incident(
        **_common(record),
        category=_enum(IncidentCategory, p.get("category")),
        severity=_enum(Severity, p.get("severity")),
        status=_enum(IncidentStatus, p.get("status")),
        reported_at=p.get("reported_at"),
        deadline_at=p.get("deadline_at"),
        description=p.get("description"),
        source=_enum(IncidentSource, p.get("source")),
        history=_history(p.get("history")),
        overdue=is_overdue(p),
        alert_count=p.get("alert_count"),
        last_alert_at=p.get("last_alert_at"),
    )


@builds(Label.PETITION)
def _petition(record: NodeRecord) -> Petition:
    p = record.props
    return Petition(
        **_common(record),
        text=p["text"],
        channel=_enum(PetitionChannel, p.get("channel")),
        submitted_at=p.get("submitted_at"),
        title=p.get("title"),
        nature=_enum(PetitionNature, p.get("nature")),
        source_category=p.get("source_category"),
        reply=p.get("reply"),
    )


ALL_TYPES = (Resident, Household, Building, Grid, Organisation, Device, Incident, Petition)

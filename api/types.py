"""GraphQL object types of the domain. Personal fields (ID number, phone, tags) are not exposed
here; they will be served only to authorised roles."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from graph.model import enums
from graph.store import NodeRecord

Gender = strawberry.enum(enums.Gender)
Residency = strawberry.enum(enums.Residency)
Tenure = strawberry.enum(enums.Tenure)
BuildingUse = strawberry.enum(enums.BuildingUse)
RentalRiskLevel = strawberry.enum(enums.RentalRiskLevel)
GridLevel = strawberry.enum(enums.GridLevel)
OrganisationKind = strawberry.enum(enums.OrganisationKind)
DeviceKind = strawberry.enum(enums.DeviceKind)
DeviceStatus = strawberry.enum(enums.DeviceStatus)
IncidentCategory = strawberry.enum(enums.IncidentCategory)
Severity = strawberry.enum(enums.Severity)
IncidentStatus = strawberry.enum(enums.IncidentStatus)
IncidentSource = strawberry.enum(enums.IncidentSource)
PetitionChannel = strawberry.enum(enums.PetitionChannel)


@strawberry.type
class Provenance:
    source: str | None
    actor: str | None
    created_at: str | None
    updated_at: str | None


@strawberry.interface
class Node:
    """Anything in the graph; `id` is global: `Label:key`, e.g. `Resident:R00000001`."""

    id: strawberry.ID
    provenance: Provenance


@strawberry.type
class Resident(Node):
    name: str
    gender: Gender | None
    residency: Residency | None
    age: int | None


@strawberry.type
class Household(Node):
    tenure: Tenure | None


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


@strawberry.type
class Grid(Node):
    name: str
    level: GridLevel | None


@strawberry.type
class Organisation(Node):
    name: str
    kind: OrganisationKind | None
    phone: str | None


@strawberry.type
class Device(Node):
    kind: DeviceKind | None
    status: DeviceStatus | None
    installed_at: str | None


@strawberry.type
class Incident(Node):
    category: IncidentCategory | None
    severity: Severity | None
    status: IncidentStatus | None
    reported_at: str | None
    deadline_at: str | None
    description: str | None
    source: IncidentSource | None


@strawberry.type
class Petition(Node):
    text: str
    channel: PetitionChannel | None
    submitted_at: str | None


def _enum(kind: Any, value: Any) -> Any:
    return kind(value) if value is not None else None


def _age(birth: str | None, today: date) -> int | None:
    if not birth:
        return None
    born = date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def to_graphql(record: NodeRecord, today: date | None = None) -> Node:
    """The GraphQL object of a stored node, without its personal fields."""
    p = record.props
    common: dict[str, Any] = {
        "id": strawberry.ID(str(record.ref)),
        "provenance": Provenance(
            source=p.get("prov_source"),
            actor=p.get("prov_actor"),
            created_at=p.get("created_at"),
            updated_at=p.get("updated_at"),
        ),
    }
    label = record.label.value
    if label == "Resident":
        return Resident(
            **common,
            name=p["name"],
            gender=_enum(Gender, p.get("gender")),
            residency=_enum(Residency, p.get("residency")),
            age=_age(p.get("birth_date"), today or date.today()),
        )
    if label == "Household":
        return Household(**common, tenure=_enum(Tenure, p.get("tenure")))
    if label == "Building":
        return Building(
            **common,
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
    if label == "Grid":
        return Grid(**common, name=p["name"], level=_enum(GridLevel, p.get("level")))
    if label == "Organisation":
        return Organisation(
            **common,
            name=p["name"],
            kind=_enum(OrganisationKind, p.get("kind")),
            phone=p.get("phone"),
        )
    if label == "Device":
        return Device(
            **common,
            kind=_enum(DeviceKind, p.get("kind")),
            status=_enum(DeviceStatus, p.get("status")),
            installed_at=p.get("installed_at"),
        )
    if label == "Incident":
        return Incident(
            **common,
            category=_enum(IncidentCategory, p.get("category")),
            severity=_enum(Severity, p.get("severity")),
            status=_enum(IncidentStatus, p.get("status")),
            reported_at=p.get("reported_at"),
            deadline_at=p.get("deadline_at"),
            description=p.get("description"),
            source=_enum(IncidentSource, p.get("source")),
        )
    return Petition(
        **common,
        text=p["text"],
        channel=_enum(PetitionChannel, p.get("channel")),
        submitted_at=p.get("submitted_at"),
    )


ALL_TYPES = (Resident, Household, Building, Grid, Organisation, Device, Incident, Petition)

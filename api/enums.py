"""GraphQL enumerations of the domain (values are the stored codes, names upper case).

`strawberry.enum` marks the class it is given and returns it, so each name here is the domain
enum itself (a real type to type checkers), registered with GraphQL once below."""

from __future__ import annotations

import strawberry

from graph.model.enums import (
    BuildingUse,
    DeviceKind,
    DeviceStatus,
    Gender,
    GridLevel,
    IncidentCategory,
    IncidentSource,
    IncidentStatus,
    KeyPopulationTag,
    OrganisationKind,
    PetitionChannel,
    RentalRiskLevel,
    Residency,
    Severity,
    Tenure,
)
from graph.model.enums import HouseholdRole as HouseholdRoleEnum

for _domain_enum in (
    Gender,
    Residency,
    Tenure,
    BuildingUse,
    RentalRiskLevel,
    GridLevel,
    OrganisationKind,
    DeviceKind,
    DeviceStatus,
    IncidentCategory,
    Severity,
    IncidentStatus,
    IncidentSource,
    PetitionChannel,
    KeyPopulationTag,
):
    strawberry.enum(_domain_enum)
strawberry.enum(HouseholdRoleEnum, name="HouseholdRole")

"""GraphQL enumerations of the domain (values are the stored codes, names upper case)."""

from __future__ import annotations

import strawberry

from graph.model import enums

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
KeyPopulationTag = strawberry.enum(enums.KeyPopulationTag)
HouseholdRoleEnum = strawberry.enum(enums.HouseholdRole, name="HouseholdRole")

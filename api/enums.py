"""GraphQL enumerations of the domain (values are the stored codes, names upper case).

Every enumeration of `graph.model.enums` is registered with GraphQL here. `strawberry.enum`
marks the class itself and returns it, so the names below are the domain classes as they are
(real types to a type checker)."""

from __future__ import annotations

from enum import EnumMeta

import strawberry

from events import change
from graph.model import enums
from risk import spread

for _domain_enum in vars(enums).values():
    if isinstance(_domain_enum, EnumMeta) and _domain_enum.__module__ == enums.__name__:
        strawberry.enum(_domain_enum)

Gender = enums.Gender
Residency = enums.Residency
Tenure = enums.Tenure
BuildingUse = enums.BuildingUse
RentalRiskLevel = enums.RentalRiskLevel
GridLevel = enums.GridLevel
OrganisationKind = enums.OrganisationKind
DeviceKind = enums.DeviceKind
DeviceStatus = enums.DeviceStatus
IncidentCategory = enums.IncidentCategory
Severity = enums.Severity
IncidentStatus = enums.IncidentStatus
IncidentSource = enums.IncidentSource
PetitionChannel = enums.PetitionChannel
PetitionNature = enums.PetitionNature
KeyPopulationTag = enums.KeyPopulationTag
HouseholdRoleEnum = enums.HouseholdRole

# What happened to an entity, in change events and node histories.
strawberry.enum(change.ChangeKind, description="What happened to the entity.")
strawberry.enum(spread.Hazard, description="What happens at the sources.")
Hazard = spread.Hazard
ChangeKind = change.ChangeKind

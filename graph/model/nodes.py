"""Node types of the community graph (人、地、物、事、组织、情)."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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
    PetitionNature,
    RentalRiskLevel,
    Residency,
    Severity,
    Tenure,
)
from graph.model.validators import (
    IdNumber,
    NodeId,
    PastDate,
    Phone,
    Timestamp,
    id_number_birth_date,
    id_number_is_male,
    reject_control_characters,
    today,
)


class Label(StrEnum):
    RESIDENT = "Resident"
    HOUSEHOLD = "Household"
    BUILDING = "Building"
    GRID = "Grid"
    ORGANISATION = "Organisation"
    DEVICE = "Device"
    INCIDENT = "Incident"
    PETITION = "Petition"


Name = Field(min_length=1, max_length=200)


class DomainModel(BaseModel):
    """What nodes and relationship properties share: unknown fields refused, text stripped,
    enumerations kept as their codes, and neither NaN nor infinity (a stored value is a real
    measurement) nor control characters in text."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, use_enum_values=True, allow_inf_nan=False
    )

    @model_validator(mode="after")
    def _no_control_characters(self) -> Self:
        reject_control_characters(self.__dict__)
        return self


class Node(DomainModel):
    """A node: a stable `id` from the source system's key plus validated properties."""

    label: ClassVar[Label]
    sensitive_fields: ClassVar[frozenset[str]] = frozenset()
    search_fields: ClassVar[tuple[str, ...]] = ()
    # Fields only the product's own workflows write (an incident's steps): an upsert from a
    # caller neither takes nor clears them.
    managed_fields: ClassVar[frozenset[str]] = frozenset()

    id: NodeId

    def properties(self) -> dict[str, Any]:
        """Stored properties: JSON-compatible, unset optional fields as None (they clear)."""
        return self.model_dump(mode="json", exclude={"id"})

    def search_text(self) -> str:
        return " ".join(str(getattr(self, f)) for f in self.search_fields if getattr(self, f))


class Resident(Node):
    label = Label.RESIDENT
    sensitive_fields = frozenset({"id_number", "phone", "tags"})
    search_fields = ("name",)

    name: str = Name
    gender: Gender | None = Field(
        None, description="None when not stated (GB/T 2261.1 0 or 9) and no ID number tells it."
    )
    birth_date: PastDate
    id_number: IdNumber | None = None
    phone: Phone | None = None
    residency: Residency = Residency.REGISTERED
    tags: list[KeyPopulationTag] = Field(default_factory=list)

    @model_validator(mode="after")
    def _agrees_with_id_number(self) -> Self:
        if self.id_number:
            male = id_number_is_male(self.id_number)
            if self.gender is None:
                self.gender = Gender.MALE if male else Gender.FEMALE
            problems = []
            if id_number_birth_date(self.id_number) != self.birth_date:
                problems.append("birth_date: does not match the birth date in id_number")
            if male != (self.gender == Gender.MALE):
                problems.append("gender: does not match the gender digit of id_number")
            if problems:
                raise ValueError("; ".join(problems))
        self.tags = sorted(set(self.tags))
        return self

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Household(Node):
    label = Label.HOUSEHOLD

    tenure: Tenure = Tenure.OWNED


class Building(Node):
    label = Label.BUILDING
    search_fields = ("name", "address", "compound")

    name: str = Name
    address: str | None = Field(None, max_length=300)
    compound: str | None = Field(None, max_length=200)
    floors: int | None = Field(None, ge=1, le=200)
    units: int | None = Field(None, ge=1, le=100)
    year_built: int | None = Field(None, ge=1800, le=2100)
    use: BuildingUse = BuildingUse.RESIDENTIAL
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    rental_risk_level: RentalRiskLevel | None = None

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> Self:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat/lon: give both coordinates or neither")
        if self.year_built is not None and self.year_built > today().year + 5:
            raise ValueError("year_built: is too far in the future")
        return self


class Grid(Node):
    label = Label.GRID
    search_fields = ("name",)

    name: str = Name
    level: GridLevel = GridLevel.GRID


class Organisation(Node):
    label = Label.ORGANISATION
    search_fields = ("name",)

    name: str = Name
    kind: OrganisationKind
    phone: Phone | None = None


class Device(Node):
    label = Label.DEVICE

    kind: DeviceKind
    status: DeviceStatus = DeviceStatus.ONLINE
    installed_at: PastDate | None = None


class IncidentStep(BaseModel):
    """One step of an incident's closed loop: who moved it from which state to which, and why."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    at: Timestamp
    actor: str = Field(min_length=1, max_length=100)
    action: str = Field(min_length=1, max_length=30)
    from_status: IncidentStatus | None = None
    to_status: IncidentStatus
    note: str | None = Field(None, max_length=2000)


class Incident(Node):
    label = Label.INCIDENT
    search_fields = ("description",)
    managed_fields = frozenset({"history", "recent_alerts"})

    category: IncidentCategory
    severity: Severity = Severity.MEDIUM
    status: IncidentStatus = IncidentStatus.REPORTED
    reported_at: Timestamp
    deadline_at: Timestamp | None = None
    description: str | None = Field(None, max_length=5000)
    source: IncidentSource = IncidentSource.OTHER
    history: list[IncidentStep] = Field(default_factory=list)
    alert_count: int | None = Field(None, ge=1, description="Device alerts folded into it.")
    last_alert_at: Timestamp | None = None
    last_reading: float | None = None
    recent_alerts: list[str] | None = Field(
        None,
        max_length=100,
        description="Kind and time of the latest device alerts folded in (a resent one is "
        "recognised and not counted twice).",
    )

    @field_validator("history", mode="before")
    @classmethod
    def _history_from_storage(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    def properties(self) -> dict[str, Any]:
        """History is stored as one JSON text (graph properties cannot hold lists of maps)."""
        props = super().properties()
        props["history"] = (
            json.dumps(props["history"], ensure_ascii=False) if self.history else None
        )
        return props

    @model_validator(mode="after")
    def _deadline_after_report(self) -> Self:
        if self.deadline_at is not None and self.deadline_at < self.reported_at:
            raise ValueError("deadline_at: is before reported_at")
        return self


class Petition(Node):
    label = Label.PETITION
    search_fields = ("title", "text")

    text: str = Field(min_length=1, max_length=20000)
    channel: PetitionChannel | None = None  # unknown unless the source says (no guess)
    submitted_at: Timestamp | None = None  # some exports leave it out
    title: str | None = Field(None, max_length=500)
    nature: PetitionNature | None = None
    source_category: str | None = Field(
        None, max_length=100, description="The category the source system filed it under."
    )
    reply: str | None = Field(None, max_length=20000, description="The official reply, if any.")


NODE_MODELS: dict[Label, type[Node]] = {
    model.label: model
    for model in (Resident, Household, Building, Grid, Organisation, Device, Incident, Petition)
}

"""Node types of the community graph (人、地、物、事、组织、情)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

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
from graph.model.meta import Meta
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
DEVICE_ALERTS = Meta(filter=False, ingest=False)
PHONE = Meta(
    headers=("联系电话", "手机号", "手机号码", "联系方式", "电话"), filter=False, narrow=True
)


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

    name: Annotated[str, Meta(headers=("姓名",))] = Name
    gender: Annotated[Gender | None, Meta(headers=("性别",))] = Field(
        None,
        description="Null when not stated (GB/T 2261.1 code 0 or 9) and no ID number tells it.",
    )
    # The API shows the age, not the birth date.
    birth_date: Annotated[PastDate, Meta(headers=("出生日期", "出生年月日", "生日"), shown=False)]
    id_number: Annotated[
        IdNumber | None,
        Meta(
            headers=("公民身份号码", "身份证号", "身份证号码", "证件号码", "身份证"), filter=False
        ),
    ] = None
    phone: Annotated[Phone | None, PHONE] = None
    residency: Annotated[
        Residency, Meta(headers=("人口类型", "户籍类型", "人员类型", "居住类型"))
    ] = Residency.REGISTERED
    tags: Annotated[
        list[KeyPopulationTag],
        Meta(headers=("人员类别", "标签", "重点人群", "人群类别", "特殊人群")),
    ] = Field(default_factory=list)

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

    tenure: Annotated[Tenure, Meta(headers=("居住方式", "房屋性质", "产权"))] = Tenure.OWNED
    floor: Annotated[int | None, Meta(headers=("所在楼层", "楼层"))] = Field(
        None,
        ge=-5,
        le=200,
        description="The floor of the dwelling (所在楼层); below ground is negative.",
    )


class Building(Node):
    label = Label.BUILDING
    search_fields = ("name", "address", "compound")

    name: Annotated[str, Meta(headers=("名称", "楼栋名称"))] = Name
    address: Annotated[str | None, Meta(headers=("地址", "标准地址", "详细地址", "房屋地址"))] = (
        Field(None, max_length=300)
    )
    compound: Annotated[str | None, Meta(headers=("小区", "小区名称"))] = Field(
        None, max_length=200
    )
    floors: Annotated[int | None, Meta(headers=("层数", "楼层数", "总层数"))] = Field(
        None, ge=1, le=200
    )
    units: Annotated[int | None, Meta(headers=("单元数",), filter=False)] = Field(
        None, ge=1, le=100
    )
    year_built: Annotated[int | None, Meta(headers=("建成年份", "建筑年代", "建成年代"))] = Field(
        None, ge=1800, le=2100
    )
    use: Annotated[BuildingUse, Meta(headers=("用途", "房屋用途", "建筑用途"))] = (
        BuildingUse.RESIDENTIAL
    )
    lat: Annotated[float | None, Meta(headers=("纬度",), filter=False)] = Field(None, ge=-90, le=90)
    lon: Annotated[float | None, Meta(headers=("经度",), filter=False)] = Field(
        None, ge=-180, le=180
    )
    rental_risk_level: Annotated[
        RentalRiskLevel | None, Meta(headers=("出租风险等级", "出租屋风险等级", "风险等级"))
    ] = None
    has_elevator: Annotated[bool | None, Meta(headers=("有无电梯", "是否有电梯", "电梯"))] = Field(
        None, description="Whether the building has a lift (电梯); null when not recorded."
    )

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

    name: Annotated[str, Meta(headers=("网格名称",))] = Name
    level: Annotated[GridLevel, Meta(headers=("层级", "级别", "网格层级"))] = GridLevel.GRID


class Organisation(Node):
    label = Label.ORGANISATION
    search_fields = ("name",)

    name: Annotated[str, Meta(headers=("单位名称", "组织名称", "机构名称"))] = Name
    kind: Annotated[OrganisationKind, Meta(headers=("单位类型", "组织类型"))]
    phone: Annotated[Phone | None, PHONE] = None


class Device(Node):
    label = Label.DEVICE

    kind: Annotated[DeviceKind, Meta(headers=("类型", "设备类型"))]
    status: Annotated[DeviceStatus, Meta(headers=("状态", "设备状态"))] = DeviceStatus.ONLINE
    installed_at: Annotated[PastDate | None, Meta(headers=("安装日期", "安装时间"))] = None


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

    category: Annotated[IncidentCategory, Meta(headers=("事件类别", "事件类型", "类别"))]
    severity: Annotated[Severity, Meta(headers=("严重程度", "紧急程度"))] = Severity.MEDIUM
    status: Annotated[IncidentStatus, Meta(headers=("事件状态", "办理状态"))] = (
        IncidentStatus.REPORTED
    )
    reported_at: Annotated[Timestamp, Meta(headers=("上报时间", "发生时间"))]
    deadline_at: Timestamp | None = None
    description: Annotated[str | None, Meta(headers=("描述", "事件描述", "情况描述"))] = Field(
        None, max_length=5000
    )
    source: Annotated[IncidentSource, Meta(headers=("来源", "事件来源"))] = IncidentSource.OTHER
    # The steps so far: an export may carry them as JSON, as another system recorded them.
    history: Annotated[list[IncidentStep], Meta(filter=False)] = Field(default_factory=list)
    # What device alerts fold in (ingest.alerts), never a column of an incidents file.
    alert_count: Annotated[int | None, DEVICE_ALERTS] = Field(
        None, ge=1, description="Device alerts folded into it (null if not raised by a device)."
    )
    last_alert_at: Annotated[Timestamp | None, DEVICE_ALERTS] = None
    last_reading: Annotated[float | None, replace(DEVICE_ALERTS, shown=False)] = None
    recent_alerts: Annotated[list[str] | None, replace(DEVICE_ALERTS, shown=False)] = Field(
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
    managed_fields = frozenset(
        {"department", "department_confidence", "nature_confidence", "language", "entities"}
    )

    # Shown by the API with ID and phone numbers masked (`api.nodes.petition`).
    text: Annotated[
        str,
        Meta(
            headers=("内容", "诉求内容", "留言内容", "诉求", "留言详情", "来电内容", "问题描述"),
            shown=False,
        ),
    ] = Field(min_length=1, max_length=20000)
    # Unknown unless the source says (no guess).
    channel: Annotated[
        PetitionChannel | None,
        Meta(headers=("渠道", "来源渠道", "诉求渠道", "受理渠道", "来源方式")),
    ] = None
    # Some exports leave the time out.
    submitted_at: Annotated[
        Timestamp | None,
        Meta(
            headers=(
                "提交时间",
                "留言时间",
                "诉求时间",
                "来电时间",
                "受理时间",
                "登记时间",
                "时间",
                "time",
            )
        ),
    ] = None
    title: Annotated[
        str | None, Meta(headers=("标题", "主题", "留言主题", "诉求标题", "诉求主题"))
    ] = Field(None, max_length=500)
    nature: Annotated[
        PetitionNature | None, Meta(headers=("性质", "诉求性质", "诉求类型", "问题性质"))
    ] = None
    source_category: Annotated[
        str | None,
        Meta(headers=("label", "分类", "一级分类", "诉求分类", "问题分类", "留言分类")),
    ] = Field(
        None,
        max_length=100,
        description="The category the source system filed it under (its own words).",
    )
    reply: Annotated[
        str | None,
        Meta(
            headers=("答复", "回复", "答复内容", "回复内容", "答复意见", "办理结果"), filter=False
        ),
    ] = Field(None, max_length=20000, description="The official reply, if any.")
    department: Annotated[str | None, Meta(shown=False, ingest=False)] = Field(
        None,
        max_length=20,
        description="The department category petition extraction gives (7 first-level classes).",
    )
    department_confidence: Annotated[
        float | None, Meta(shown=False, filter=False, ingest=False)
    ] = Field(None, ge=0, le=1)
    nature_confidence: Annotated[float | None, Meta(shown=False, filter=False, ingest=False)] = (
        Field(None, ge=0, le=1, description="How sure extraction is of `nature`; null: stated.")
    )
    language: Annotated[str | None, Meta(shown=False, filter=False, ingest=False)] = Field(
        None, pattern="^(zh|en)$"
    )
    entities: Annotated[str | None, Meta(shown=False, filter=False, ingest=False)] = Field(
        None,
        max_length=200_000,
        description="The entities extraction found, as JSON: start, end, label, confidence, "
        "status and the node linked.",
    )


NODE_MODELS: dict[Label, type[Node]] = {
    model.label: model
    for model in (Resident, Household, Building, Grid, Organisation, Device, Incident, Petition)
}

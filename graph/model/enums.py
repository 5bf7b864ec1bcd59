"""Enumerations of the domain. Values are stable English codes; Chinese names are in `ZH`."""

from __future__ import annotations

from enum import StrEnum


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Residency(StrEnum):
    REGISTERED = "registered"  # 户籍/常住
    FLOATING = "floating"  # 流动人口


class KeyPopulationTag(StrEnum):
    """Key-population tags (重点人群). Personal data: shown only to roles that need them."""

    ELDERLY_LIVING_ALONE = "elderly_living_alone"  # 独居老人
    INCAPACITATED_ELDERLY = "incapacitated_elderly"  # 失能老年人
    DISABLED = "disabled"  # 残疾
    MINOR = "minor"  # 未成年人
    LEFT_BEHIND_CHILD = "left_behind_child"  # 留守儿童
    MENTAL_DISORDER = "mental_disorder"  # 精神障碍患者
    LOW_INCOME = "low_income"  # 低保
    VETERAN = "veteran"  # 退役军人
    HOME_MEDICAL_DEVICE = "home_medical_device"  # 居家医疗设备
    COMMUNITY_CORRECTION = "community_correction"  # 社区矫正


class HouseholdRole(StrEnum):
    HEAD = "head"  # 户主
    SPOUSE = "spouse"  # 配偶
    CHILD = "child"  # 子女
    PARENT = "parent"  # 父母
    GRANDCHILD = "grandchild"  # 孙子女
    SIBLING = "sibling"  # 兄弟姐妹
    OTHER_RELATIVE = "other_relative"  # 其他亲属
    TENANT = "tenant"  # 租户
    OTHER = "other"  # 其他


class Tenure(StrEnum):
    OWNED = "owned"  # 自有
    RENTED = "rented"  # 租住
    PUBLIC = "public"  # 公租房
    OTHER = "other"


class RentalRiskLevel(StrEnum):
    """Rental-housing risk level; inspected 1-4 times a month."""

    RELAXED = "relaxed"  # 宽管
    CAUTION = "caution"  # 警示
    STRICT = "strict"  # 严管
    BANNED = "banned"  # 禁租


class BuildingUse(StrEnum):
    RESIDENTIAL = "residential"
    COMMERCIAL = "commercial"
    MIXED = "mixed"
    OFFICE = "office"
    SCHOOL = "school"
    HOSPITAL = "hospital"
    PUBLIC = "public"
    INDUSTRIAL = "industrial"
    UTILITY = "utility"


class GridLevel(StrEnum):
    DISTRICT = "district"  # 区
    STREET = "street"  # 街道
    COMMUNITY = "community"  # 社区
    GRID = "grid"  # 网格


class OrganisationKind(StrEnum):
    PROPERTY_MANAGEMENT = "property_management"  # 物业
    MERCHANT = "merchant"  # 商户
    SOCIAL_ORGANISATION = "social_organisation"  # 社会组织
    VOLUNTEER_TEAM = "volunteer_team"  # 志愿队
    SCHOOL = "school"  # 学校
    HOSPITAL = "hospital"  # 医院
    CLINIC = "clinic"  # 卫生服务站
    GOVERNMENT = "government"  # 政府部门
    PARTY_BRANCH = "party_branch"  # 党支部
    UTILITY_COMPANY = "utility_company"  # 供电/供水/燃气公司


class DeviceKind(StrEnum):
    SMOKE_ALARM = "smoke_alarm"
    GAS_ALARM = "gas_alarm"
    ACCESS_CONTROL = "access_control"
    CAMERA = "camera"
    ELEVATOR_MONITOR = "elevator_monitor"
    WATER_METER = "water_meter"
    ELECTRICITY_METER = "electricity_meter"
    GAS_METER = "gas_meter"
    SUBSTATION = "substation"
    TRANSFORMER = "transformer"
    WATER_PLANT = "water_plant"
    WATER_PUMP = "water_pump"
    WATER_VALVE = "water_valve"
    GAS_STATION = "gas_station"
    GAS_REGULATOR = "gas_regulator"
    GAS_VALVE = "gas_valve"
    HEAT_EXCHANGER = "heat_exchanger"


UTILITY_DEVICE_KINDS = frozenset(
    {
        DeviceKind.SUBSTATION,
        DeviceKind.TRANSFORMER,
        DeviceKind.WATER_PLANT,
        DeviceKind.WATER_PUMP,
        DeviceKind.WATER_VALVE,
        DeviceKind.GAS_STATION,
        DeviceKind.GAS_REGULATOR,
        DeviceKind.GAS_VALVE,
        DeviceKind.HEAT_EXCHANGER,
    }
)


class DeviceStatus(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    FAULT = "fault"
    DECOMMISSIONED = "decommissioned"


class IncidentCategory(StrEnum):
    FIRE = "fire"
    GAS_LEAK = "gas_leak"
    POWER_OUTAGE = "power_outage"
    WATER_OUTAGE = "water_outage"
    FLOOD = "flood"
    ELEVATOR_ENTRAPMENT = "elevator_entrapment"
    BUILDING_SAFETY = "building_safety"
    PUBLIC_SECURITY = "public_security"
    ENVIRONMENT = "environment"
    SANITATION = "sanitation"
    NOISE = "noise"
    TRAFFIC = "traffic"
    NEIGHBOUR_DISPUTE = "neighbour_dispute"
    PUBLIC_HEALTH = "public_health"
    SOCIAL_ASSISTANCE = "social_assistance"
    PROPERTY_SERVICE = "property_service"
    OTHER = "other"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class IncidentStatus(StrEnum):
    """Closed-loop workflow states (GB/T 30428)."""

    REPORTED = "reported"  # 上报
    ACCEPTED = "accepted"  # 受理
    REGISTERED = "registered"  # 立案
    DISPATCHED = "dispatched"  # 派遣
    HANDLED = "handled"  # 处置
    VERIFIED = "verified"  # 核查
    CLOSED = "closed"  # 结案
    VOID = "void"  # 作废
    ON_HOLD = "on_hold"  # 挂账
    SUPERVISED = "supervised"  # 督查


class IncidentSource(StrEnum):
    PETITION = "petition"
    DEVICE_ALERT = "device_alert"
    GRID_PATROL = "grid_patrol"
    HOTLINE = "hotline"
    OTHER = "other"


class PetitionChannel(StrEnum):
    HOTLINE_12345 = "hotline_12345"
    APP = "app"
    QR_CODE = "qr_code"
    SERVICE_WINDOW = "service_window"
    MESSAGE_BOARD = "message_board"


class PetitionNature(StrEnum):
    """What a petition asks for, as hotlines classify it (诉求性质)."""

    COMPLAINT = "complaint"
    CONSULTATION = "consultation"
    SUGGESTION = "suggestion"
    REPORT = "report"
    HELP = "help"
    PRAISE = "praise"


ZH: dict[str, str] = {
    "male": "男",
    "female": "女",
    "registered": "户籍",
    "floating": "流动",
    "elderly_living_alone": "独居老人",
    "incapacitated_elderly": "失能老年人",
    "disabled": "残疾",
    "minor": "未成年人",
    "left_behind_child": "留守儿童",
    "mental_disorder": "精神障碍患者",
    "low_income": "低保",
    "veteran": "退役军人",
    "home_medical_device": "居家医疗设备",
    "community_correction": "社区矫正",
    "head": "户主",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandchild": "孙子女",
    "sibling": "兄弟姐妹",
    "other_relative": "其他亲属",
    "tenant": "租户",
    "owned": "自有",
    "rented": "租住",
    "public": "公租房",
    "relaxed": "宽管",
    "caution": "警示",
    "strict": "严管",
    "banned": "禁租",
    "district": "区",
    "street": "街道",
    "community": "社区",
    "grid": "网格",
    "reported": "上报",
    "accepted": "受理",
    "dispatched": "派遣",
    "handled": "处置",
    "verified": "核查",
    "closed": "结案",
    "void": "作废",
    "on_hold": "挂账",
    "supervised": "督查",
    "complaint": "投诉",
    "consultation": "咨询",
    "suggestion": "建议",
    "report": "举报",
    "help": "求助",
    "praise": "表扬",
    "hotline_12345": "12345热线",
    "qr_code": "扫码",
    "service_window": "窗口",
    "message_board": "留言板",
}

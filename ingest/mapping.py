"""Source headers and values → canonical columns and enumeration codes.

Built in: the Chinese headers of common population, housing and property exports, and Chinese
values of every enumeration. A `--mapping` YAML file adds its own:

    kind: residents            # optional: the kind of every input of the job
    headers:                   # source header → canonical column
      人员姓名: name
    values:                    # canonical column → {source value: canonical value}
      residency: {常住人口: registered}
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from graph.model.enums import (
    ZH,
    BuildingUse,
    DeviceKind,
    DeviceStatus,
    Gender,
    GridLevel,
    HouseholdRole,
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
from ingest.canonical import COLUMNS, EXTRA_COLUMNS, LIST_SEPARATOR, unknown_kind
from ingest.errors import MappingFileError

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "resident_id": ("人员编号", "居民编号", "人员id"),
    "household_id": ("户号", "户编号", "户id", "家庭编号"),
    "building_id": ("楼栋", "楼号", "楼栋编号", "房屋编号", "建筑编号", "所在楼栋"),
    "grid_id": ("网格", "所属网格", "网格编号"),
    "parent_id": ("上级网格", "上级编号", "上级网格编号"),
    "org_id": ("单位编号", "组织编号", "机构编号"),
    "device_id": ("设备编号", "设备id"),
    "incident_id": ("事件编号", "案件编号"),
    "petition_id": ("诉求编号", "工单编号", "留言编号"),
    "name": ("姓名", "名称", "单位名称", "网格名称", "楼栋名称", "组织名称", "机构名称"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月日", "生日"),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "证件号码", "身份证"),
    "phone": ("联系电话", "手机号", "手机号码", "联系方式", "电话"),
    "relation_to_head": ("与户主关系",),
    "residency": ("人口类型", "户籍类型", "人员类型", "居住类型"),
    "tags": ("人员类别", "标签", "重点人群", "人群类别", "特殊人群"),
    "compound": ("小区", "小区名称"),
    "address": ("地址", "标准地址", "详细地址", "房屋地址"),
    "unit": ("单元", "单元号"),
    "room": ("房号", "门牌号", "室", "房间号"),
    "tenure": ("居住方式", "房屋性质", "产权"),
    "floors": ("层数", "楼层数", "总层数"),
    "units": ("单元数",),
    "year_built": ("建成年份", "建筑年代", "建成年代"),
    "use": ("用途", "房屋用途", "建筑用途"),
    "lat": ("纬度",),
    "lon": ("经度",),
    "rental_risk_level": ("出租风险等级", "出租屋风险等级", "风险等级"),
    "level": ("层级", "级别", "网格层级"),
    "kind": ("类型", "设备类型", "单位类型", "组织类型"),
    "status": ("状态", "设备状态", "事件状态", "办理状态"),
    "supplies": ("供应对象", "供给对象"),
    "installed_at": ("安装日期", "安装时间"),
    "category": ("事件类别", "事件类型", "类别"),
    "severity": ("严重程度", "紧急程度"),
    "reported_at": ("上报时间", "发生时间"),
    "description": ("描述", "事件描述", "情况描述"),
    "source": ("来源", "事件来源"),
    "text": ("内容", "诉求内容", "留言内容", "诉求", "留言详情", "来电内容", "问题描述"),
    "channel": ("渠道", "来源渠道", "诉求渠道", "受理渠道", "来源方式"),
    "submitted_at": (
        "提交时间",
        "留言时间",
        "诉求时间",
        "来电时间",
        "受理时间",
        "登记时间",
        "时间",
        "time",
    ),
    "title": ("标题", "主题", "留言主题", "诉求标题", "诉求主题"),
    "nature": ("性质", "诉求性质", "诉求类型", "问题性质"),
    "source_category": ("label", "分类", "一级分类", "诉求分类", "问题分类", "留言分类"),
    "reply": ("答复", "回复", "答复内容", "回复内容", "答复意见", "办理结果"),
    "from_id": ("起点", "起点编号"),
    "to_id": ("终点", "终点编号"),
    "type": ("关系", "关系类型"),
    "role": ("角色", "职务"),
    "distance_m": ("距离", "距离米"),
}

ENUM_COLUMNS: dict[str, type[StrEnum]] = {
    "gender": Gender,
    "residency": Residency,
    "relation_to_head": HouseholdRole,
    "tenure": Tenure,
    "tags": KeyPopulationTag,
    "level": GridLevel,
    "use": BuildingUse,
    "rental_risk_level": RentalRiskLevel,
    "category": IncidentCategory,
    "severity": Severity,
    "source": IncidentSource,
    "channel": PetitionChannel,
    "nature": PetitionNature,
}
KIND_ENUM_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("organisations", "kind"): OrganisationKind,
    ("devices", "kind"): DeviceKind,
    ("devices", "status"): DeviceStatus,
    ("incidents", "status"): IncidentStatus,
}
# Chinese values beyond the enumerations' own names (ZH).
EXTRA_VALUES: dict[str, dict[str, str]] = {
    # GB/T 2261.1 codes: 1 male, 2 female; 0 (unknown) and 9 (not stated) say nothing, so the
    # gender then comes from the ID number, or stays unstated.
    "gender": {
        "男性": "male",
        "女性": "female",
        "m": "male",
        "f": "female",
        "1": "male",
        "2": "female",
        "0": "",
        "9": "",
        "未知": "",
        "不详": "",
        "未说明": "",
        "未知的性别": "",
        "未说明的性别": "",
    },
    # How hotline and message-board exports name their channels.
    "channel": {
        "电话": "hotline_12345",
        "热线": "hotline_12345",
        "来电": "hotline_12345",
        "12345": "hotline_12345",
        "12345热线": "hotline_12345",
        "热线电话": "hotline_12345",
        "网站": "message_board",
        "网络": "message_board",
        "网上留言": "message_board",
        "网络留言": "message_board",
        "留言板": "message_board",
        "市长信箱": "message_board",
        "邮件": "message_board",
        "微博": "message_board",
        "短信": "hotline_12345",
        "手机app": "app",
        "12345app": "app",
        "e福州app": "app",
        "微信": "app",
        "微信公众号": "app",
        "小程序": "app",
        "qq": "app",
        "二维码": "qr_code",
        "窗口": "service_window",
        "现场": "service_window",
        "来访": "service_window",
    },
    "nature": {"意见": "suggestion", "反映": "complaint", "投诉举报": "report", "感谢": "praise"},
    "residency": {
        "常住": "registered",
        "户籍人口": "registered",
        "本地": "registered",
        "流动人口": "floating",
        "暂住": "floating",
        "外来": "floating",
    },
    "relation_to_head": {
        "本人": "head",
        "妻": "spouse",
        "夫": "spouse",
        "妻子": "spouse",
        "丈夫": "spouse",
        "子": "child",
        "女": "child",
        "儿子": "child",
        "女儿": "child",
        "长子": "child",
        "长女": "child",
        "次子": "child",
        "次女": "child",
        "父亲": "parent",
        "母亲": "parent",
        "父": "parent",
        "母": "parent",
        "孙子": "grandchild",
        "孙女": "grandchild",
        "外孙": "grandchild",
        "外孙女": "grandchild",
        "兄": "sibling",
        "弟": "sibling",
        "姐": "sibling",
        "妹": "sibling",
        "其他": "other",
        "租客": "tenant",
        "承租人": "tenant",
    },
    "tenure": {
        "自住": "owned",
        "自购": "owned",
        "租赁": "rented",
        "出租": "rented",
        "租房": "rented",
        "公租": "public",
        "廉租房": "public",
        "其他": "other",
    },
    "tags": {
        "独居": "elderly_living_alone",
        "空巢独居": "elderly_living_alone",
        "失能": "incapacitated_elderly",
        "失能老人": "incapacitated_elderly",
        "半失能": "incapacitated_elderly",
        "残疾人": "disabled",
        "残障": "disabled",
        "未成年": "minor",
        "精神障碍": "mental_disorder",
        "严重精神障碍": "mental_disorder",
        "低保户": "low_income",
        "低保对象": "low_income",
        "退役": "veteran",
        "社区矫正对象": "community_correction",
        "矫正": "community_correction",
    },
    "status": {"立案": "registered", "在线": "online", "离线": "offline", "故障": "fault"},
    "severity": {
        "低": "low",
        "一般": "medium",
        "中": "medium",
        "较大": "high",
        "高": "high",
        "重大": "critical",
        "特别重大": "critical",
        "紧急": "critical",
    },
}

TAG_SPLIT = re.compile(r"[;；,，、/|\s]+")
DATE_COLUMNS = frozenset({"birth_date", "installed_at"})
TIMESTAMP_COLUMNS = frozenset({"reported_at", "submitted_at"})
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?")


def normalise_header(header: str) -> str:
    """Headers compare without spaces, required-field stars, brackets and case."""
    text = re.sub(r"[\s*＊]|（.*?）|\(.*?\)", "", header.replace("\ufeff", ""))
    return text.lower()


# Full-width letters, digits and punctuation (１３８, Ｘ, －) and the ideographic space, as a
# Chinese input method types them, map to ASCII in columns of codes, numbers and dates.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
NARROW_COLUMNS = frozenset({"phone", "floors", "units", "year_built", "lat", "lon"})
# Excel counts days from 1899-12-30; a date cell without a date format reads as that count.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL_DIGITS = 5  # 10000-99999: 1927-05-18 to 2173; shorter counts read as years


def narrow(text: str) -> str:
    """`text` with full-width ASCII forms as ASCII (unchanged when it is ASCII already)."""
    return text if text.isascii() else text.translate(_HALF_WIDTH)


def _id_number_text(value: str) -> str:
    """An ID number without full-width digits or the spaces some exports group it with."""
    if len(value) == 18 and value.isascii():
        return value
    return "".join(narrow(value).split())


def _date_text(value: str) -> str:
    if _ISO_DATE.fullmatch(value):  # already canonical: most dates of a bulk file
        return value
    value = narrow(value)
    if len(value) == _EXCEL_SERIAL_DIGITS and value.isdigit():
        return (_EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
    compact = _COMPACT_DATE.match(value)
    match = compact or _DATE.match(value)
    if not match:
        return value
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _timestamp_text(value: str) -> str:
    value = narrow(value)
    if "T" in value:
        return value
    day = _date_text(value)
    if day == value:
        return value
    clock = _TIME.search(value[value.find(" ") :] if " " in value else "")
    if not clock:
        return f"{day}T00:00:00"
    hour, minute, second = clock.groups()
    return f"{day}T{int(hour):02d}:{int(minute):02d}:{int(second or 0):02d}"


@dataclass
class Mapping:
    """Header aliases and value maps: the built-in ones plus those of a `--mapping` file."""

    kind: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # normalised header → column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column → value → code

    @classmethod
    def builtin(cls) -> Mapping:
        mapping = cls()
        for column in _known_columns():
            mapping.headers[normalise_header(column)] = column
        for column, aliases in HEADER_ALIASES.items():
            for alias in aliases:
                mapping.headers[normalise_header(alias)] = column
        for column, enum in {
            **ENUM_COLUMNS,
            **{k[1]: v for k, v in KIND_ENUM_COLUMNS.items()},
        }.items():
            codes = mapping.values.setdefault(column, {})
            for member in enum:
                codes[member.value.lower()] = member.value
                if member.value in ZH:
                    codes[ZH[member.value]] = member.value
        for column, extra in EXTRA_VALUES.items():
            mapping.values.setdefault(column, {}).update(extra)
        return mapping

    @classmethod
    def load(cls, path: Path | None) -> Mapping:
        """The built-in mapping, extended by a YAML file; a bad file raises ValueError."""
        mapping = cls.builtin()
        if path is None:
            return mapping
        import yaml

        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise MappingFileError(f"--mapping {path}: cannot read it ({exc})") from None
        if not isinstance(spec, dict) or set(spec) - {"kind", "headers", "values"}:
            raise MappingFileError(f"--mapping {path}: expected the keys kind, headers and values")
        for key in ("headers", "values"):
            if not isinstance(spec.get(key) or {}, dict):
                raise MappingFileError(f"--mapping {path}: {key}: expected a map")
        known = _known_columns()
        for header, column in (spec.get("headers") or {}).items():
            if column not in known:
                raise MappingFileError(
                    f"--mapping {path}: headers.{header}: unknown column {column!r}"
                )
            mapping.headers[normalise_header(str(header))] = column
        for column, table in (spec.get("values") or {}).items():
            if column not in known:
                raise MappingFileError(f"--mapping {path}: values.{column}: unknown column")
            if not isinstance(table, dict):
                raise MappingFileError(f"--mapping {path}: values.{column}: expected a map")
            codes = mapping.values.setdefault(str(column), {})
            codes.update({str(k).strip().lower(): str(v) for k, v in table.items()})
        kind = spec.get("kind")
        if kind is not None and (problem := unknown_kind(str(kind))):
            raise MappingFileError(f"--mapping {path}: kind: {problem}")
        mapping.kind = kind
        return mapping

    def columns_of(self, headers: list[str]) -> dict[str, str]:
        """Source header → canonical column, for the headers this mapping knows."""
        found: dict[str, str] = {}
        for header in headers:
            column = self.headers.get(normalise_header(header))
            if column is not None and column not in found.values():
                found[header] = column
        return found

    def converter(self, column: str) -> Callable[[str], str]:
        """What turns a non-empty cell of `column` into its canonical value (unchanged when
        the column has no codes)."""
        if column in DATE_COLUMNS:
            return _date_text
        if column in TIMESTAMP_COLUMNS:
            return _timestamp_text
        if column == "id_number":
            return _id_number_text
        if column in NARROW_COLUMNS:
            return narrow
        if column == "tags":
            tags = self.values["tags"]
            return lambda text: LIST_SEPARATOR.join(
                tags.get(part.lower(), part) for part in TAG_SPLIT.split(text) if part
            )
        codes = self.values.get(column)
        if codes:
            return lambda text: codes.get(text.lower(), text)
        return _same


def _known_columns() -> set[str]:
    """Every canonical column of every kind, the extra ones included."""
    return {c for cols in (*COLUMNS.values(), *EXTRA_COLUMNS.values()) for c in cols}


def _same(text: str) -> str:
    return text


@dataclass
class RowShaper:
    """Turns raw rows of one table into canonical rows of one kind."""

    kind: str
    mapping: Mapping
    columns: dict[str, str]  # source header → canonical column
    ignored: list[str]
    cells: list[tuple[str, str, Callable[[str], str]]] = field(init=False)  # with converters

    @classmethod
    def for_table(cls, kind: str, mapping: Mapping, headers: list[str]) -> RowShaper:
        wanted = {*COLUMNS[kind], *EXTRA_COLUMNS.get(kind, ())}
        columns = {h: c for h, c in mapping.columns_of(headers).items() if c in wanted}
        ignored = [h for h in headers if h and h not in columns]
        return cls(kind, mapping, columns, ignored)

    def __post_init__(self) -> None:
        self.cells = [(h, c, self.mapping.converter(c)) for h, c in self.columns.items()]

    def shape(self, raw: dict[str, str]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for header, column, convert in self.cells:
            text = (raw.get(header) or "").strip()
            row[column] = convert(text) if text else None
        return row

    def header_of(self, column: str) -> str:
        """The source header a canonical column came from (for reasons in reject files)."""
        for header, name in self.columns.items():
            if name == column:
                return header
        return column

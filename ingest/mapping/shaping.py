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
from enum import StrEnum
from pathlib import Path
from typing import Any

from graph.model.enums import ZH, HouseholdRole
from graph.model.fields import ValueKind
from ingest.errors import MappingFileError
from ingest.mapping.canonical import (
    COLUMNS,
    EXTRA_COLUMNS,
    LIST_SEPARATOR,
    field_columns,
    unknown_kind,
)
from ingest.mapping.cell_values import (
    BOOL_VALUES,
    date_text,
    id_number_text,
    narrow,
    timestamp_text,
)
from ingest.mapping.headers import HEADER_ALIASES, normalise_header

# Enumerations of columns that are not model fields (a member's role in the household).
REFERENCE_ENUMS: dict[str, type[StrEnum]] = {"relation_to_head": HouseholdRole}
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
        enums = [(c, s.enum) for c, specs in field_columns().items() for s in specs if s.enum]
        for column, enum in [*enums, *REFERENCE_ENUMS.items()]:
            codes = mapping.values.setdefault(column, {})
            for member in enum:
                codes[member.value.lower()] = member.value
                if member.value in ZH:
                    codes[ZH[member.value]] = member.value
        for column, specs in field_columns().items():
            for spec in specs:
                for alias in spec.meta.headers:
                    mapping.headers[normalise_header(alias)] = column
                if spec.kind == ValueKind.BOOL:
                    mapping.values.setdefault(column, {}).update(BOOL_VALUES)
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
        kinds = {spec.kind for spec in field_columns().get(column, ())}
        if ValueKind.DATE in kinds:
            return date_text
        if ValueKind.TIMESTAMP in kinds:
            return timestamp_text
        if column == "id_number":
            return id_number_text
        if kinds & {ValueKind.INT, ValueKind.FLOAT} or any(
            spec.meta.narrow for spec in field_columns().get(column, ())
        ):
            return narrow
        if ValueKind.ENUM_LIST in kinds:
            members = self.values.get(column, {})
            return lambda text: LIST_SEPARATOR.join(
                members.get(part.lower(), part) for part in TAG_SPLIT.split(text) if part
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

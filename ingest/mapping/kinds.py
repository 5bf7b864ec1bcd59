"""Which kind of rows a table holds: from --kind, else its file or sheet name, else its headers."""

from __future__ import annotations

from ingest.errors import UnknownKindError
from ingest.mapping.canonical import COLUMNS, KINDS, unknown_kind
from ingest.mapping.shaping import Mapping

# Name fragments of each kind, most specific first (网格员 is a person, not a grid).
NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("petition", "petitions"),
    ("诉求", "petitions"),
    ("民情", "petitions"),
    ("信访", "petitions"),
    ("留言", "petitions"),
    ("incident", "incidents"),
    ("事件", "incidents"),
    ("案件", "incidents"),
    ("device", "devices"),
    ("设备", "devices"),
    ("organi", "organisations"),
    ("单位", "organisations"),
    ("组织", "organisations"),
    ("机构", "organisations"),
    ("household", "households"),
    ("住户", "households"),
    ("家庭", "households"),
    ("户籍", "residents"),
    ("resident", "residents"),
    ("居民", "residents"),
    ("人口", "residents"),
    ("人员", "residents"),
    ("building", "buildings"),
    ("楼栋", "buildings"),
    ("房屋", "buildings"),
    ("建筑", "buildings"),
    ("grid", "grids"),
    ("网格", "grids"),
    ("edge", "edges"),
    ("关系", "edges"),
)
ID_COLUMN = {kind: columns[0] for kind, columns in COLUMNS.items() if kind != "edges"}


def kind_from_name(name: str) -> str | None:
    lowered = name.lower()
    for fragment, kind in NAME_HINTS:
        if fragment in lowered:
            return kind
    return None


def kind_from_headers(headers: list[str], mapping: Mapping) -> str | None:
    """The kind whose id column is present; else the kind sharing most columns (at least 3)."""
    columns = set(mapping.columns_of(headers).values())
    if {"from_id", "type", "to_id"} <= columns:
        return "edges"
    with_id = [kind for kind, id_column in ID_COLUMN.items() if id_column in columns]
    if len(with_id) == 1:
        return with_id[0]
    if "id_number" in columns:
        return "residents"
    scores = sorted(((len(columns & set(COLUMNS[k])), k) for k in KINDS), reverse=True)
    best, kind = scores[0]
    return kind if best >= 3 and best > scores[1][0] else None


def detect_kind(given: str | None, names: list[str], headers: list[str], mapping: Mapping) -> str:
    """The table's kind; `names` are the sheet name and file stem, most specific first."""
    if given:
        if problem := unknown_kind(given):
            raise UnknownKindError(f"--kind: {problem}")
        return given
    for name in names:
        kind = kind_from_name(name)
        if kind:
            return kind
    kind = kind_from_headers(headers, mapping)
    if kind is None:
        raise UnknownKindError(
            f"{names[-1]}: cannot tell the kind of rows from the name or the headers; "
            f"give --kind ({', '.join(KINDS)})"
        )
    return kind

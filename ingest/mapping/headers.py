"""The headers of common Chinese population, housing and property exports for the columns
that are not model fields, and how headers compare (without spaces, required-field stars,
brackets or case)."""

from __future__ import annotations

import re

# Headers of the columns that are not model fields: keys, references, dwellings and
# relationships (the headers of model fields are declared beside them, in `graph.model`).
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
    "relation_to_head": ("与户主关系",),
    "unit": ("单元", "单元号"),
    "room": ("房号", "门牌号", "室", "房间号"),
    "supplies": ("供应对象", "供给对象"),
    "from_id": ("起点", "起点编号"),
    "to_id": ("终点", "终点编号"),
    "type": ("关系", "关系类型"),
    "role": ("角色", "职务"),
    "distance_m": ("距离", "距离米"),
}


def normalise_header(header: str) -> str:
    """Headers compare without spaces, required-field stars, brackets and case."""
    text = re.sub(r"[\s*＊]|（.*?）|\(.*?\)", "", header.replace("\ufeff", ""))
    return text.lower()

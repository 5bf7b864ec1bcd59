"""The headers of common Chinese population, housing and property exports, as canonical
columns, and how headers compare (without spaces, required-field stars, brackets or case)."""

from __future__ import annotations

import re

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


def normalise_header(header: str) -> str:
    """Headers compare without spaces, required-field stars, brackets and case."""
    text = re.sub(r"[\s*＊]|（.*?）|\(.*?\)", "", header.replace("\ufeff", ""))
    return text.lower()

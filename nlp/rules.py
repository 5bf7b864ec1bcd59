"""Entity rules for Chinese petitions: places, organisations, people and facilities found by
the shape of their names (an administrative or address suffix, a body's suffix, a surname with
a title, a facility noun), following `../shared/NLP_ENTITIES.md`.

They propose the spans that annotation starts from, and they run in the pipeline beside the
trained recogniser, which decides the cases a suffix alone cannot."""

from __future__ import annotations

import re
from collections.abc import Iterator

Found = tuple[int, int, str]  # start, end, label

# Characters that never belong to a name: function words, verbs that introduce places,
# punctuation. A name's left edge is the first character after one of these.
_STOP = (
    "的了在是我你他她它们有和与及或到从向对把被给于由将这那哪个些位住家里上下中内外前后旁边"
    "去来说请要能会可已还就都也又很太更最把让使因为所以如果但而且并及其该此每各某其"
    "，。、；：？！“”‘’（）《》【】「」 \t\n,.;:?!()[]\"'"
)
_NAME = rf"[^{re.escape(_STOP)}0-9０-９]"
_ANON = r"[A-Z][0-9]{0,2}"  # 匿名化的行政区: A市, B2区, K3县
_NUM = r"[0-9０-９一二三四五六七八九十百零〇两]+"

_ADMIN = r"(?:省|市|区|县|镇|乡|街道|社区|村委会|居委会|村|组)"
_ROAD = r"(?:路|街|巷|大道|大街|弄|里|道)"
_ESTATE = (
    r"(?:小区|花园|家园|公寓|新村|新城|山庄|苑|庭|府|湾|园|城|广场|大厦|中心|市场|公园|"
    r"车站|站|大桥|桥|码头|景区|商场|天地|国际|名都|华府|雅居|佳园)"
)
_WATER = r"(?:河|江|湖|溪|渠|港|水库|运河)"
_SUB = rf"(?:{_NUM}(?:期|区|栋|幢|号楼|楼|单元|室|号))*"

_PLACE_PATTERNS = [
    rf"{_ANON}(?:省|市|区|县)",
    rf"{_NAME}{{1,6}}?{_ROAD}{_NUM}号(?:{_NAME}{{2,6}}?{_ESTATE})?{_SUB}",
    rf"{_NAME}{{1,6}}?{_ROAD}与{_NAME}{{1,6}}?{_ROAD}(?:交汇处|交叉口|路口)",
    rf"{_NAME}{{2,8}}?{_ESTATE}{_SUB}",
    rf"{_NAME}{{1,6}}?{_ADMIN}",
    rf"{_NAME}{{1,5}}?{_ROAD}",
    rf"{_NAME}{{1,5}}?{_WATER}",
]
_ORG_SUFFIX = (
    r"(?:有限责任公司|有限公司|公司|集团|人民政府|政府|委员会|管委会|局|厅|委|办公室|办|"
    r"中学|小学|大学|学院|学校|幼儿园|医院|卫生院|银行|派出所|法院|检察院|所|站|中心|队|"
    r"酒店|超市|会所|厂|店)"
)
_ORG_PATTERNS = [
    rf"(?:{_ANON}(?:省|市|区|县))?{_NAME}{{1,10}}?{_ORG_SUFFIX}",
]
_TITLE = r"(?:书记|市长|县长|区长|镇长|局长|主任|经理|老师|师傅|医生|校长|队长|总|先生|女士|阿姨)"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤蒙"
)
_PERSON_PATTERNS = [
    rf"[{_SURNAMES}]{_TITLE}",
    rf"[{_SURNAMES}][某X×][某]?",
]
_FACILITIES = (
    "路灯",
    "电梯",
    "井盖",
    "窨井盖",
    "下水道",
    "排水管",
    "污水管",
    "水管",
    "管道",
    "排污口",
    "排水口",
    "阀门",
    "水泵",
    "红绿灯",
    "信号灯",
    "摄像头",
    "监控",
    "消防栓",
    "消火栓",
    "围挡",
    "护栏",
    "栏杆",
    "健身器材",
    "围墙",
    "大门",
    "垃圾桶",
    "垃圾箱",
    "变压器",
    "电线",
    "电缆",
    "化粪池",
    "充电桩",
    "岗亭",
    "报刊亭",
    "公厕",
    "厕所",
    "景观灯",
    "消防通道",
    "窨井",
    "水表",
    "电表",
    "燃气管",
    "天然气管道",
)

_COMPILED: list[tuple[str, re.Pattern[str]]] = [
    *(("PLACE", re.compile(p)) for p in _PLACE_PATTERNS),
    *(("ORG", re.compile(p)) for p in _ORG_PATTERNS),
    *(("PERSON", re.compile(p)) for p in _PERSON_PATTERNS),
    ("FACILITY", re.compile("|".join(sorted(_FACILITIES, key=len, reverse=True)))),
]
# Bare type words that are not entities by themselves (rule 9).
_BARE = {
    "政府",
    "物业",
    "开发商",
    "医院",
    "学校",
    "公司",
    "相关部门",
    "施工单位",
    "小区",
    "社区",
    "市",
    "区",
    "县",
    "镇",
    "村",
    "中心",
    "站",
    "所",
    "办",
    "局",
    "店",
    "厂",
    "本市",
    "我市",
    "该市",
    "城市",
    "市区",
    "城区",
    "全市",
    "全区",
    "全县",
    "该小区",
    "本小区",
    "我小区",
    "老小区",
    "新小区",
    "街道",
    "马路",
    "道路",
}
_GENERIC_TAILS = ("河道", "河段", "门口", "对面", "旁边")


def _candidates(text: str) -> Iterator[Found]:
    for label, pattern in _COMPILED:
        for match in pattern.finditer(text):
            start, end = match.span()
            value = match.group()
            if value in _BARE or len(value) < 2:
                continue
            if value.endswith(_GENERIC_TAILS):
                continue
            yield start, end, label


def rule_entities(text: str) -> list[Found]:
    """Flat, non-overlapping spans: the longest candidate wins, then the earliest."""
    chosen: list[Found] = []
    taken = bytearray(len(text))
    for start, end, label in sorted(_candidates(text), key=lambda s: (s[0] - s[1], s[0])):
        if any(taken[start:end]):
            continue
        chosen.append((start, end, label))
        taken[start:end] = b"\x01" * (end - start)
    return sorted(chosen)

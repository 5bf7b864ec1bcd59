"""Incidents from petitions: whether a petition reports a problem at a place, which incident
category and severity, and where.

A petition reports a problem when it is a complaint, a report or a call for help (not a
question, a suggestion or thanks), names a category of trouble that happens at a place, and
its place is linked: a building or grid named in the text (`LINKED`), the building of a device
it names, or else the submitter's own building. Category comes from cue words first (停电 is
a power outage whatever the department), then from the department; severity from cue words
(着火, 被困, 坍塌 are critical)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from graph.model import IncidentCategory, Label, Severity
from graph.records import NodeRef
from nlp.gazetteer import Gazetteer
from nlp.linking import LINKED, Context, Link

C = IncidentCategory
_CUES: list[tuple[IncidentCategory, re.Pattern[str]]] = [
    (C.FIRE, re.compile(r"着火|起火|失火|火灾|冒烟|燃烧|fire\b", re.I)),
    (C.GAS_LEAK, re.compile(r"(?:燃气|煤气|天然气).{0,6}(?:泄漏|漏气|味)|漏气|gas leak", re.I)),
    (
        C.ELEVATOR_ENTRAPMENT,
        re.compile(r"电梯.{0,10}(?:困|关人|卡住|坠|下沉|故障)|lift.{0,20}stuck", re.I),
    ),
    (C.POWER_OUTAGE, re.compile(r"停电|断电|没电|跳闸|power (?:cut|outage)", re.I)),
    (C.WATER_OUTAGE, re.compile(r"停水|断水|没水|水压低|no water", re.I)),
    (C.FLOOD, re.compile(r"积水|内涝|淹|涨水|漫|flood", re.I)),
    (C.BUILDING_SAFETY, re.compile(r"危房|裂缝|开裂|倒塌|塌陷|坍塌|脱落|crack", re.I)),
    (C.NOISE, re.compile(r"噪音|噪声|扰民|吵|noise|noisy", re.I)),
    (
        C.SANITATION,
        re.compile(r"垃圾|粪|臭|污水|下水道|堵塞|蚊|rubbish|garbage|sewage|smell", re.I),
    ),
    (C.ENVIRONMENT, re.compile(r"污染|排放|油烟|粉尘|扬尘|废气|黑烟|pollution|dust", re.I)),
    (C.TRAFFIC, re.compile(r"停车|占道|交通|拥堵|红绿灯|信号灯|parking|traffic", re.I)),
    (C.PUBLIC_SECURITY, re.compile(r"传销|盗窃|偷|打架|治安|诈骗|theft|fight", re.I)),
    (C.NEIGHBOUR_DISPUTE, re.compile(r"邻居|楼上|楼下.{0,4}(?:漏水|吵)|neighbour", re.I)),
    (C.PUBLIC_HEALTH, re.compile(r"疫情|传染|食品安全|登革热|卫生差|epidemic", re.I)),
    (C.PROPERTY_SERVICE, re.compile(r"物业|业委会|property management", re.I)),
]
# Departments whose posts are about a place when no cue says what went wrong there.
_DEPARTMENTS = {
    "环境保护": C.ENVIRONMENT,
    "城乡建设": C.BUILDING_SAFETY,
    "交通运输": C.TRAFFIC,
    "卫生计生": C.PUBLIC_HEALTH,
}
_SEVERITY: list[tuple[Severity, re.Pattern[str]]] = [
    (
        Severity.CRITICAL,
        re.compile(r"着火|起火|爆炸|被困|生命危险|坍塌|触电|有人受伤|死亡|trapped|explosion", re.I),
    ),
    (
        Severity.HIGH,
        re.compile(r"漏气|危险|隐患|危房|倒塌|紧急|老人|小孩|孩子|严重|dangerous|urgent", re.I),
    ),
]
REPORTING_NATURES = frozenset({"COMPLAINT", "REPORT", "HELP"})


@dataclass(frozen=True)
class Report:
    """The incident a petition reports: what, how bad, where."""

    category: IncidentCategory
    severity: Severity
    place: NodeRef


def category_of(text: str, department: str | None) -> IncidentCategory | None:
    for category, cue in _CUES:
        if cue.search(text):
            return category
    return _DEPARTMENTS.get(department or "")


def severity_of(text: str) -> Severity:
    for severity, cue in _SEVERITY:
        if cue.search(text):
            return severity
    return Severity.MEDIUM


def place_of(links: Sequence[Link], gazetteer: Gazetteer, context: Context) -> NodeRef | None:
    """Where the problem is: the first building, then the first grid, the text names
    surely; the building of a device it names; the submitter's building."""
    linked = [link.ref for link in links if link.ref is not None and link.status == LINKED]
    for label in (Label.BUILDING, Label.GRID):
        for ref in linked:
            if ref.label == label:
                return ref
    for ref in linked:
        if ref.label == Label.DEVICE and (building := gazetteer.building_of(ref)):
            return NodeRef(Label.BUILDING, building)
    return NodeRef(Label.BUILDING, context.building) if context.building else None


def reported(
    text: str,
    nature: str | None,
    department: str | None,
    links: Sequence[Link],
    gazetteer: Gazetteer,
    context: Context,
) -> Report | None:
    """The incident the petition reports, or None (a question, no trouble, no place)."""
    if nature not in REPORTING_NATURES:
        return None
    category = category_of(text, department)
    place = place_of(links, gazetteer, context)
    if category is None or place is None:
        return None
    return Report(category, severity_of(text), place)

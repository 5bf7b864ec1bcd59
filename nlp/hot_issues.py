"""Hot issues (热点问题): petitions about the same place and the same kind of trouble within
a time window, grouped and ranked by a heat index.

A petition's place is the node its first place or organisation mention is linked to, or,
unlinked, the most specific place it names (the longest PLACE span; a bare city or district
such as A市 is too broad to be an issue's place). Its topic is the incident category its cue
words give, else its department. Petitions with the same place and topic form one issue.

Heat index, documented in the README:

    heat = 10·ln(1 + petitions) + 6·ln(1 + distinct submitters) + 4·max(0, growth)
           + 2·highest severity (low 1 … critical 4)

where growth compares the daily rate of the last third of the window with the first two
thirds: (recent − earlier) / (earlier + 1/day). Trend is RISING, STEADY or FALLING as growth is
above 0.25, within ±0.25, or below −0.25. Distinct submitters count anonymous petitions by
their text, so one message posted many times counts once."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from nlp.incidents import category_of, severity_of

SEVERITY_WEIGHT = {"low": 1, "medium": 2, "high": 3, "critical": 4}
_BROAD = re.compile(r"^(?:[A-Z]\d{0,2}|.{1,3})(?:省|市|区|县)$|^(?:西地省|中国|全国)$")
# A body petitions are addressed to, not a place trouble happens at.
_AUTHORITY = re.compile(r"(?:政府|局|厅|委员会|委|办公室|办|法院|检察院|平台|热线)$")
_STOP_BIGRAMS = frozenset(
    [
        "我们",
        "你们",
        "他们",
        "领导",
        "政府",
        "部门",
        "相关",
        "问题",
        "希望",
        "请问",
        "要求",
        "没有",
        "现在",
        "已经",
        "可以",
        "这个",
        "一个",
        "什么",
        "为什么",
        "怎么",
        "进行",
        "情况",
        "解决",
        "处理",
        "反映",
        "小区",
        "业主",
        "居民",
        "尊敬",
        "您好",
        "谢谢",
        "时间",
        "目前",
    ]
)


@dataclass(frozen=True)
class PetitionFacts:
    """What grouping needs of one petition."""

    id: str
    at: datetime
    text: str
    title: str = ""
    submitter: str | None = None
    department: str | None = None
    places: Sequence[tuple[str, str | None]] = ()  # (words, linked node id or None)


@dataclass
class HotIssue:
    label: str
    place: str
    place_id: str | None
    topic: str
    petitions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    first_at: datetime | None = None
    last_at: datetime | None = None
    heat: float = 0.0
    trend: str = "STEADY"
    growth: float = 0.0
    submitters: int = 0


def place_key(places: Sequence[tuple[str, str | None]]) -> tuple[str, str | None] | None:
    """The place an issue is about: a linked node first, else the longest specific name."""
    for words, linked in places:
        if linked:
            return words, linked
    specific = [
        words for words, _ in places if not _BROAD.match(words) and not _AUTHORITY.search(words)
    ]
    if not specific:
        return None
    return max(specific, key=len), None


def _bigrams(text: str) -> set[str]:
    return {
        text[n : n + 2]
        for n in range(len(text) - 1)
        if all("\u4e00" <= c <= "\u9fff" for c in text[n : n + 2])
    }


def _keywords(
    members: Sequence[PetitionFacts], document_frequency: Counter[str], total: int
) -> list[str]:
    """Words the issue's petitions share more than petitions at large."""
    counts: Counter[str] = Counter()
    for p in members:
        counts.update(_bigrams(p.title + p.text) - _STOP_BIGRAMS)
    scored = {
        word: n * math.log((1 + total) / (1 + document_frequency[word]))
        for word, n in counts.items()
        if n >= max(2, math.ceil(len(members) * 0.4))
    }
    return [w for w, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:6]]


def hot_issues(
    petitions: Sequence[PetitionFacts], since: datetime, until: datetime, first: int = 10
) -> list[HotIssue]:
    """The `first` hottest issues among petitions submitted in [since, until)."""
    window = [p for p in petitions if since <= p.at < until]
    groups: dict[tuple[str, str], list[PetitionFacts]] = defaultdict(list)
    names: dict[tuple[str, str], tuple[str, str | None]] = {}
    for p in window:
        place = place_key(p.places)
        topic = category_of(p.title + p.text, p.department)
        if place is None or topic is None:
            continue
        key = (place[1] or place[0], topic.value)
        groups[key].append(p)
        names.setdefault(key, place)
    groups = _merged(groups, names)
    document_frequency: Counter[str] = Counter()
    for p in window:
        document_frequency.update(_bigrams(p.title + p.text))
    days = max((until - since).total_seconds() / 86400, 1.0)
    issues = [
        _issue(names[key], key[1], members, since, days, document_frequency, len(window))
        for key, members in groups.items()
        if len(members) >= 2
    ]
    issues.sort(key=lambda i: (-i.heat, i.label))
    return issues[:first]


def _merged(
    groups: dict[tuple[str, str], list[PetitionFacts]],
    names: dict[tuple[str, str], tuple[str, str | None]],
) -> dict[tuple[str, str], list[PetitionFacts]]:
    """Issues of one topic whose unlinked place names contain one another (伊景园滨河 and
    伊景园滨河苑) are one issue, kept under the name most of its petitions use."""
    merged: dict[tuple[str, str], list[PetitionFacts]] = {}
    for key in sorted(groups, key=lambda k: -len(groups[k])):
        name, linked = names[key]
        into = next(
            (
                other
                for other in merged
                if other[1] == key[1]
                and linked is None
                and names[other][1] is None
                and min(len(name), len(names[other][0])) >= 3
                and (name in names[other][0] or names[other][0] in name)
            ),
            None,
        )
        if into is None:
            merged[key] = list(groups[key])
        else:
            merged[into] += groups[key]
    return merged


def _issue(
    place: tuple[str, str | None],
    topic: str,
    members: list[PetitionFacts],
    since: datetime,
    days: float,
    document_frequency: Counter[str],
    total: int,
) -> HotIssue:
    members = sorted(members, key=lambda p: p.at)
    split = since.timestamp() + days * 86400 * 2 / 3
    recent = sum(p.at.timestamp() >= split for p in members)
    earlier_rate = (len(members) - recent) / (days * 2 / 3)
    recent_rate = recent / (days / 3)
    growth = (recent_rate - earlier_rate) / (earlier_rate + 1)
    submitters = len({p.submitter or f"text:{hash(p.text)}" for p in members})
    severity = max(SEVERITY_WEIGHT[severity_of(p.title + p.text).value] for p in members)
    heat = (
        10 * math.log1p(len(members))
        + 6 * math.log1p(submitters)
        + 4 * max(0.0, growth)
        + 2 * severity
    )
    return HotIssue(
        label=f"{place[0]} · {topic}",
        place=place[0],
        place_id=place[1],
        topic=topic,
        petitions=[p.id for p in members],
        keywords=_keywords(members, document_frequency, total),
        first_at=members[0].at,
        last_at=members[-1].at,
        heat=round(heat, 2),
        trend="RISING" if growth > 0.25 else "FALLING" if growth < -0.25 else "STEADY",
        growth=round(growth, 3),
        submitters=submitters,
    )

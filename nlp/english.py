"""English petitions: entity rules (addresses, named places, organisations, people with a
title, facility nouns) and the department category by keywords. The trained models read
Chinese; an English petition gets these, with the gazetteer for names the graph knows."""

from __future__ import annotations

import re
from collections import Counter

from nlp.rules import Found

_CAP = r"[A-Z][a-zA-Z'-]+"
_NAME = rf"{_CAP}(?: {_CAP})*"
_PLACE = re.compile(
    rf"\b(?:No\. ?)?\d+[A-Za-z]? {_NAME} (?:Road|Street|Avenue|Lane|Rd|St|Ave|Boulevard)\b"
    rf"|\b{_NAME} (?:Road|Street|Avenue|Lane|Boulevard|Park|Gardens?|Estate|Community|"
    r"District|County|Village|Town|City|Square|Plaza|Bridge|River|Lake|Station|Building|"
    r"Tower|Court|Compound|Residence)(?: (?:No\. ?)?\d+)?\b"
    r"|\bBuilding \d+\b|\bBlock \d+\b"
)
_ORG = re.compile(
    rf"\b{_NAME} (?:Company|Co\.|Ltd\.?|Bureau|Committee|Office|School|University|College|"
    r"Hospital|Clinic|Bank|Police Station|Property Management|Group|Corporation|Inc\.?)\b"
)
_PERSON = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Dr|Director|Manager|Secretary|Mayor)\.? {_CAP}\b")
_FACILITY = re.compile(
    r"\b(?:street ?lights?|lamp ?posts?|lifts?|elevators?|manhole covers?|manholes?|"
    r"(?:water |sewage |drain )?pipes?|drains?|valves?|pumps?|traffic lights?|"
    r"cameras?|cctv|fire hydrants?|hydrants?|barriers?|fences?|hoardings?|gates?|"
    r"transformers?|fitness equipment|bins?)\b",
    re.IGNORECASE,
)

CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "城乡建设": (
        "building",
        "construction",
        "property",
        "housing",
        "demolition",
        "lift",
        "elevator",
        "street light",
        "drain",
        "sewer",
        "road works",
        "estate",
        "landlord",
    ),
    "劳动和社会保障": (
        "salary",
        "wage",
        "wages",
        "pension",
        "social security",
        "employer",
        "unpaid",
        "contract",
        "insurance",
        "retirement",
        "labour",
        "labor",
    ),
    "教育文体": (
        "school",
        "teacher",
        "student",
        "tuition",
        "kindergarten",
        "university",
        "exam",
        "library",
        "sports",
    ),
    "商贸旅游": (
        "shop",
        "price",
        "refund",
        "consumer",
        "tourism",
        "tourist",
        "hotel",
        "market",
        "store",
        "fraud",
        "merchant",
    ),
    "卫生计生": (
        "hospital",
        "doctor",
        "medical",
        "clinic",
        "vaccine",
        "health",
        "medicine",
        "nurse",
        "patient",
    ),
    "环境保护": (
        "pollution",
        "noise",
        "smell",
        "sewage",
        "smoke",
        "waste",
        "dust",
        "river",
        "garbage",
        "stink",
        "polluted",
        "noisy",
    ),
    "交通运输": (
        "bus",
        "traffic",
        "parking",
        "taxi",
        "metro",
        "subway",
        "driver",
        "route",
        "highway",
        "vehicle",
    ),
}


def english_entities(text: str) -> list[Found]:
    """Flat entity spans of an English text; the longest wins where rules overlap."""
    found = [(m.start(), m.end(), "PLACE") for m in _PLACE.finditer(text)]
    found += [(m.start(), m.end(), "ORG") for m in _ORG.finditer(text)]
    found += [(m.start(), m.end(), "PERSON") for m in _PERSON.finditer(text)]
    found += [(m.start(), m.end(), "FACILITY") for m in _FACILITY.finditer(text)]
    chosen: list[Found] = []
    for span in sorted(found, key=lambda s: (s[0] - s[1], s[0])):
        if not any(span[0] < e and s < span[1] for s, e, _ in chosen):
            chosen.append(span)
    return sorted(chosen)


def english_category(text: str) -> tuple[str, float] | None:
    """The department whose words the text uses most, and the share of such words that are
    its; None when it uses none."""
    lowered = text.lower()
    hits = Counter(
        {
            label: sum(len(re.findall(rf"\b{re.escape(w)}\b", lowered)) for w in words)
            for label, words in CATEGORY_WORDS.items()
        }
    )
    total = sum(hits.values())
    if total == 0:
        return None
    label, count = hits.most_common(1)[0]
    return label, round(count / total, 3)

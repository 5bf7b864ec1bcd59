"""Dates and times written in petitions, found as spans: 2019年1月5日, 3月5日上午, 昨晚8点,
凌晨两点, 12:43, 22:03分, 上周日, and English ones (March 5, 5 March 2020, 8 pm, last night).

They are not entities (`../shared/NLP_ENTITIES.md` rule 11): the pipeline keeps them apart, in
`doc.spans["dates"]`, for timelines and the incident window."""

from __future__ import annotations

import re

_N = r"[0-9０-９一二三四五六七八九十两零〇]"
_DAY_PART = r"(?:凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|半夜|深夜)"
_WEEKDAY = r"[一二三四五六日天]"
_RELATIVE_DAY = (
    rf"(?:今天|昨天|前天|明天|今晚|昨晚|前晚|今早|昨早|每天|每晚|上周{_WEEKDAY}?|本周{_WEEKDAY}?)"
)
_DATE = (
    rf"(?:{_N}{{2,4}}年)?{_N}{{1,2}}月(?:{_N}{{1,3}}[日号])?|{_N}{{4}}年"
    rf"|{_N}{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
)
_MINUTES = rf"(?:{_N}{{1,2}}分|半|多)?"
_CLOCK = rf"{_N}{{1,3}}(?:点|时){_MINUTES}|\d{{1,2}}[:：]\d{{2}}分?"  # after a day or day part
_TIME = rf"\d{{1,2}}(?:点|时){_MINUTES}|\d{{1,2}}[:：]\d{{2}}分?"  # standing alone: digits only
_ZH = re.compile(
    rf"(?:{_DATE}|{_RELATIVE_DAY})(?:{_DAY_PART})?(?:{_CLOCK})?"
    rf"|{_DAY_PART}(?:{_CLOCK})?"
    rf"|{_TIME}"
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_EN = re.compile(
    rf"\b(?:{_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|\d{{1,2}} {_MONTH}(?: \d{{4}})?"
    r"|\d{1,2}(?::\d{2})? ?(?:am|pm|a\.m\.|p\.m\.)|\d{4}-\d{2}-\d{2}"
    r"|(?:last|this|tomorrow) (?:night|morning|evening|week)|yesterday|tonight)\b",
    re.IGNORECASE,
)


def date_spans(text: str) -> list[tuple[int, int]]:
    """Each date or time expression in `text`, in order, not overlapping."""
    found = [m.span() for m in _ZH.finditer(text)] + [m.span() for m in _EN.finditer(text)]
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda s: (s[0], -s[1])):
        if chosen and start < chosen[-1][1]:
            continue
        chosen.append((start, end))
    return chosen

"""Cell text → canonical values: dates and times as exports write them (2026/1/2, 2026年1月2日,
20260102, an Excel day count, 2026-01-02 8:05), full-width digits and letters typed with a
Chinese input method, ID numbers grouped with spaces."""

from __future__ import annotations

import re
from datetime import date, timedelta

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?")


# Full-width letters, digits and punctuation (１３８, Ｘ, －) and the ideographic space, as a
# Chinese input method types them, map to ASCII in columns of codes, numbers and dates.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Excel counts days from 1899-12-30; a date cell without a date format reads as that count.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL_DIGITS = 5  # 10000-99999: 1927-05-18 to 2173; shorter counts read as years


def narrow(text: str) -> str:
    """`text` with full-width ASCII forms as ASCII (unchanged when it is ASCII already)."""
    return text if text.isascii() else text.translate(_HALF_WIDTH)


# Yes and no as exports write them (有无电梯: 有/无), as the codes a yes/no field stores.
BOOL_VALUES = {
    **dict.fromkeys(("有", "是", "y", "yes", "true", "1", "√", "有电梯"), "true"),
    **dict.fromkeys(("无", "没有", "否", "n", "no", "false", "0", "×", "无电梯"), "false"),
}


def id_number_text(value: str) -> str:
    """An ID number without full-width digits or the spaces some exports group it with."""
    if len(value) == 18 and value.isascii():
        return value
    return "".join(narrow(value).split())


def date_text(value: str) -> str:
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


def timestamp_text(value: str) -> str:
    value = narrow(value)
    if "T" in value:
        return value
    day = date_text(value)
    if day == value:
        return value
    clock = _TIME.search(value[value.find(" ") :] if " " in value else "")
    if not clock:
        return f"{day}T00:00:00"
    hour, minute, second = clock.groups()
    return f"{day}T{int(hour):02d}:{int(minute):02d}:{int(second or 0):02d}"

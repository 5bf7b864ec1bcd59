"""Field validators: GB 11643 national ID numbers, phone numbers, identifiers, timestamps."""

from __future__ import annotations

import operator
import re
import time
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CODES = "10X98765432"
# Weighted sums are taken over the digits' character codes; this removes what '0' adds.
_ZERO_WEIGHT = ord("0") * sum(ID_WEIGHTS)
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3}-?\d{7,8})(?:-(\d{1,6}))?$")
_NODE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")


class _Today:
    """The local date, read from the clock again only after the next local midnight (date
    checks run for every row of a bulk file; `date.today()` costs more than the check)."""

    def __init__(self) -> None:
        self.day = date.min
        self.until = 0.0

    def __call__(self) -> date:
        now = time.time()
        if now >= self.until:
            self.day = date.fromtimestamp(now)
            self.until = time.mktime((self.day + timedelta(days=1)).timetuple())
        return self.day


today = _Today()


def id_check_code(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    if len(first17) != len(ID_WEIGHTS) or not (first17.isascii() and first17.isdigit()):
        raise ValueError("the check code is computed from 17 digits")
    total = sum(map(operator.mul, first17.encode(), ID_WEIGHTS)) - _ZERO_WEIGHT
    return ID_CHECK_CODES[total % 11]


def validate_id_number(value: str) -> str:
    """An 18-character citizen ID number: shape, real birth date, GB 11643 checksum."""
    value = value.strip().upper()
    if not _ID_SHAPE.match(value):
        raise ValueError("must be 17 digits followed by a digit or X")
    birth = id_number_birth_date(value)
    if birth is None:
        raise ValueError("birth date digits 7-14 are not a real date")
    if birth > today() or birth.year < 1900:
        raise ValueError("birth date digits 7-14 are out of range")
    if id_check_code(value[:17]) != value[17]:
        raise ValueError("checksum digit does not match (GB 11643)")
    return value


def id_number_birth_date(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def id_number_is_male(value: str) -> bool:
    """The 17th digit is odd for men and even for women."""
    return int(value[16]) % 2 == 1


def normalise_phone(value: str) -> str:
    """A mainland mobile (11 digits) or landline (area code-number[-extension]) number."""
    if _MOBILE.fullmatch(value):  # already normal: most numbers of a bulk file
        return value
    raw = re.sub(r"[\s()（）]", "", value)
    raw = re.sub(r"^(\+86|0086)-?", "", raw)
    if _MOBILE.match(raw.replace("-", "")):
        return raw.replace("-", "")
    landline = _LANDLINE.match(raw)
    if landline:
        digits, extension = landline.group(1).replace("-", ""), landline.group(2)
        area_len = 3 if digits[1] in "12" else 4  # 010 and 02x are the three-digit area codes
        area, number = digits[:area_len], digits[area_len:]
        if len(number) in (7, 8):
            return f"{area}-{number}" + (f"-{extension}" if extension else "")
    raise ValueError("not a mainland mobile (1[3-9] + 9 digits) or landline (0 + area + number)")


def validate_node_id(value: str) -> str:
    if not _NODE_ID.match(value):
        raise ValueError("must be 1-64 characters of letters, digits, '_', '.', ':' or '-'")
    return value


def _parse_timestamp(value: object) -> object:
    if isinstance(value, str) and value.endswith("Z"):
        return value[:-1] + "+00:00"
    return value


def _to_aware_utc(value: datetime) -> datetime:
    """Naive times are community-local (China Standard Time); stored in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA_TZ)
    return value.astimezone(UTC).replace(microsecond=0)


def format_timestamp(value: datetime) -> str:
    return _to_aware_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _not_future_date(value: date) -> date:
    if value > today():
        raise ValueError("is in the future")
    if value.year < 1900:
        raise ValueError("is before 1900")
    return value


IdNumber = Annotated[str, AfterValidator(validate_id_number)]
Phone = Annotated[str, AfterValidator(normalise_phone)]
NodeId = Annotated[str, AfterValidator(validate_node_id)]
PastDate = Annotated[date, AfterValidator(_not_future_date)]
Timestamp = Annotated[
    datetime,
    BeforeValidator(_parse_timestamp),
    AfterValidator(_to_aware_utc),
    PlainSerializer(format_timestamp, return_type=str, when_used="json"),
]


# C0 control characters and DEL, but tab and line breaks (texts may hold paragraphs): no
# source means them, and an engine's query parser may stop at a NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reject_control_characters(values: dict[str, Any]) -> None:
    """Raise ValueError naming the first text field that holds a control character."""
    for name, value in values.items():
        # isprintable (C) is true for nearly every value; only the rest are searched.
        if type(value) is str and not value.isprintable():
            found = _CONTROL.search(value)
            if found:
                code = f"U+{ord(found.group()):04X}"
                raise ValueError(f"{name}: contains the control character {code}")

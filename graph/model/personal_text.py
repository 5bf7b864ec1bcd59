"""Personal numbers in petition text: ID numbers (18 digits with their check code, and the
old 15-digit form) and phone numbers (mobile, with or without +86, and landlines written
with their area code). Found as spans, so every output can show them masked to a caller who
may not see them. Hotlines and other short numbers (12345, 110) are not personal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from graph.model.masks import mask_id_number, mask_phone
from graph.model.validators import id_check_code


class PersonalKind(StrEnum):
    ID_NUMBER = "ID_NUMBER"
    PHONE = "PHONE"


_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID_18 = rf"[1-9]\d{{5}}(?:18|19|20)\d{{2}}{_DATE}\d{{3}}[\dXx]"
_ID_15 = rf"[1-9]\d{{5}}\d{{2}}{_DATE}\d{{3}}"
_MOBILE = r"(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}"
_LANDLINE = r"(?:[(（]0\d{2,3}[)）]|0\d{2,3}-)\d{7,8}"
_PATTERNS = (
    (PersonalKind.ID_NUMBER, re.compile(rf"(?<![0-9A-Za-z])(?:{_ID_18}|{_ID_15})(?![0-9A-Za-z])")),
    (PersonalKind.PHONE, re.compile(rf"(?<![0-9A-Za-z+])(?:{_MOBILE}|{_LANDLINE})(?![0-9])")),
)


@dataclass(frozen=True)
class PersonalSpan:
    start: int
    end: int
    kind: PersonalKind
    valid: bool  # an 18-digit ID number whose check code holds (True for the other kinds)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text)


def personal_spans(text: str) -> list[PersonalSpan]:
    """Every ID and phone number in `text`, in order, not overlapping (an ID number wins)."""
    found: list[PersonalSpan] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            value = match.group()
            valid = (
                kind != PersonalKind.ID_NUMBER
                or len(value) != 18
                or (id_check_code(value[:17]) == value[17].upper())
            )
            found.append(PersonalSpan(start, end, kind, valid))
            taken.append((start, end))
    return sorted(found, key=lambda span: span.start)


def masked(text: str, spans: list[PersonalSpan] | None = None) -> str:
    """`text` with each personal number masked (first and last digits kept)."""
    parts = []
    at = 0
    for span in spans if spans is not None else personal_spans(text):
        value = _digits(text[span.start : span.end])
        mask = mask_id_number if span.kind == PersonalKind.ID_NUMBER else mask_phone
        parts += [text[at : span.start], mask(value)]
        at = span.end
    parts.append(text[at:])
    return "".join(parts)

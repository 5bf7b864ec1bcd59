"""Which language a petition is written in: Chinese or English, or neither (refused).

Counted by script: Han characters against Latin letters. A Latin-script text counts as English
only when it uses common English words, so French or a string of codes is not taken for it.
Japanese kana, Hangul, Cyrillic and other scripts make a text unsupported unless Han or Latin
clearly dominates."""

from __future__ import annotations

import re
from enum import StrEnum


class Language(StrEnum):
    CHINESE = "zh"
    ENGLISH = "en"


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_OTHER = re.compile(
    r"[\u3040-\u30ff\uac00-\ud7af\u0400-\u04ff\u0600-\u06ff\u0590-\u05ff\u0e00-\u0e7f"
    r"\u0900-\u097f\u0370-\u03ff]"
)
_WORD = re.compile(r"[A-Za-z']+")
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "not",
        "no",
        "it",
        "this",
        "that",
        "there",
        "our",
        "my",
        "we",
        "i",
        "you",
        "he",
        "she",
        "they",
        "their",
        "near",
        "since",
        "please",
        "why",
        "when",
        "what",
        "who",
        "how",
        "can",
        "could",
        "would",
        "should",
        "will",
        "does",
        "do",
        "did",
        "very",
        "too",
        "again",
        "still",
    ]
)


class UnsupportedLanguageError(ValueError):
    """The text is in a language the pipeline does not read."""


def detect_language(text: str) -> Language | None:
    """The text's language, or None when it is neither Chinese nor English."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    other = len(_OTHER.findall(text))
    if han and han >= other and han * 4 >= latin:
        return Language.CHINESE
    if latin and latin >= 4 * other and latin >= 2 * han:
        words = [w.lower() for w in _WORD.findall(text)]
        english = sum(w in _ENGLISH_WORDS for w in words)
        if english >= 1 and english * 10 >= len(words):
            return Language.ENGLISH
    return None

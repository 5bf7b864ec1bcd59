"""Character n-grams for Chinese-aware full-text search.

Neither FalkorDB's nor Neo4j's full-text analyzers segment Chinese the way people search it
(幸福里 must find 幸福里小区3栋), so every searchable node stores its text as unigrams and
bigrams of word characters; a query is the set of its bigrams (or its single character), and
the engine's index intersects them. Candidates are then confirmed by substring match.
"""

from __future__ import annotations

import re
import unicodedata

_WORD_RUNS = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC (full-width → half-width) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def index_grams(text: str) -> list[str]:
    """Distinct unigrams and bigrams of every run of word characters, in first-seen order."""
    grams: dict[str, None] = {}
    for run in _WORD_RUNS.findall(normalise(text)):
        for i, char in enumerate(run):
            grams[char] = None
            if i + 1 < len(run):
                grams[run[i : i + 2]] = None
    return list(grams)


def query_grams(text: str) -> list[str]:
    """The grams a match must contain: bigrams of each run, or the run itself if one character."""
    grams: dict[str, None] = {}
    for run in _WORD_RUNS.findall(normalise(text)):
        if len(run) == 1:
            grams[run] = None
        for i in range(len(run) - 1):
            grams[run[i : i + 2]] = None
    return list(grams)


def index_text(text: str) -> str | None:
    """The whitespace-joined grams stored in a node's `search_text`."""
    grams = index_grams(text)
    return " ".join(grams) if grams else None


def contains(haystack: str, needle: str) -> bool:
    """Every word of `needle` occurs in `haystack`, after normalisation."""
    hay = normalise(haystack)
    runs = _WORD_RUNS.findall(normalise(needle))
    return bool(runs) and all(run in hay for run in runs)

"""Petition extraction: language, department category, nature, entities, personal numbers and
dates of each text.

Chinese texts go through the trained character tagger (`nlp.tagger`), the gazetteer of names
the graph knows and the facility, organisation and person rules; English texts through the
English rules and the gazetteer. Where spans disagree, a graph name wins, then the tagger, then
a rule; spans never overlap, and personal numbers and dates are never entities."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.model.personal_text import PersonalSpan, personal_spans
from nlp.classifier import LinearClassifier, hashed
from nlp.dates import date_spans
from nlp.english import english_category, english_entities
from nlp.gazetteer import Gazetteer
from nlp.language import Language, detect_language
from nlp.nature import nature_cue
from nlp.rules import rule_entities
from nlp.tagger import CharTagger

MODEL_DIR = Path(__file__).parent / "model"
MAX_TEXT = 20_000
# How sure each source of a span is, before linking: a graph name is what the graph calls it.
SOURCE_CONFIDENCE = {"gazetteer": 0.95, "tagger": 0.8, "rule": 0.6}
RULE_LABELS = frozenset({"FACILITY", "PERSON"})  # rules that add to the tagger (ORG: fewer right)


class TextError(ValueError):
    """A petition text the pipeline cannot read; the message names the reason."""


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str
    text: str
    confidence: float
    source: str  # gazetteer, tagger or rule

    def span(self) -> tuple[int, int, str]:
        return self.start, self.end, self.label


@dataclass
class Extraction:
    language: Language
    category: tuple[str, float] | None
    nature: tuple[str, float] | None
    entities: list[Entity] = field(default_factory=list)
    personal: list[PersonalSpan] = field(default_factory=list)
    dates: list[tuple[int, int]] = field(default_factory=list)


def check_text(text: object) -> str:
    """The text, or a TextError naming what is wrong with it."""
    if not isinstance(text, str):
        raise TextError("text: must be a string")
    if not text.strip():
        raise TextError("text: is empty")
    if len(text) > MAX_TEXT:
        raise TextError(f"text: is {len(text)} characters, over the limit of {MAX_TEXT}")
    if detect_language(text) is None:
        raise TextError("text: is in no supported language (Chinese or English)")
    return text


def _flat(spans: list[tuple[int, int, str, str]], length: int) -> list[tuple[int, int, str, str]]:
    """Non-overlapping spans, earlier sources first (their order is their priority)."""
    taken = bytearray(length)
    kept: list[tuple[int, int, str, str]] = []
    for span in spans:
        start, end = span[0], span[1]
        if not any(taken[start:end]):
            kept.append(span)
            taken[start:end] = b"\x01" * (end - start)
    return sorted(kept)


def repeated(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """`spans` with every other occurrence of their words in the text (a name tagged once is
    the same name where it comes again), where nothing else was found."""
    found = list(spans)
    taken = bytearray(len(text))
    for start, end, _ in spans:
        taken[start:end] = b"\x01" * (end - start)
    for start, end, label in spans:
        words = text[start:end]
        if len(words) < 2:
            continue
        at = text.find(words)
        while at >= 0:
            if not any(taken[at : at + len(words)]):
                found.append((at, at + len(words), label))
                taken[at : at + len(words)] = b"\x01" * len(words)
            at = text.find(words, at + 1)
    return sorted(found)


class Pipeline:
    """The trained models, loaded once (`Pipeline.load`), and the rules."""

    def __init__(
        self,
        tagger: CharTagger,
        category: LinearClassifier,
        nature: LinearClassifier,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.tagger = tagger
        self.category = category
        self.nature = nature
        self.meta = meta or {}

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> Pipeline:
        meta_file = folder / "meta.json"
        meta = json.loads(meta_file.read_text()) if meta_file.is_file() else {}
        return cls(
            CharTagger.load(folder / "tagger.npz"),
            LinearClassifier.load(folder / "category.npz"),
            LinearClassifier.load(folder / "nature.npz"),
            meta,
        )

    def extract(
        self,
        texts: Sequence[str],
        titles: Sequence[str] | None = None,
        gazetteer: Gazetteer | None = None,
    ) -> list[Extraction]:
        """One extraction per text (each checked first: see `check_text`)."""
        titles = list(titles) if titles is not None else [""] * len(texts)
        languages = [detect_language(check_text(text)) for text in texts]
        chinese = [n for n, language in enumerate(languages) if language == Language.CHINESE]
        rules = {n: rule_entities(texts[n]) for n in chinese}
        tagged = dict(
            zip(
                chinese,
                self.tagger.tag([texts[n] for n in chinese], [rules[n] for n in chinese]),
                strict=True,
            )
        )
        counts = hashed([titles[n] for n in chinese], [texts[n] for n in chinese])
        categories = dict(zip(chinese, self.category.predict_counts(counts), strict=True))
        natures = dict(zip(chinese, self.nature.predict_counts(counts), strict=True))
        found = []
        for n, text in enumerate(texts):
            language = languages[n]
            assert language is not None
            personal = personal_spans(text)
            dates = date_spans(text)
            excluded = [(p.start, p.end, "", "") for p in personal] + [
                (s, e, "", "") for s, e in dates
            ]
            spans = list(excluded)
            if gazetteer is not None:
                spans += [(s, e, "", "gazetteer") for s, e in gazetteer.find(text)]
            if language == Language.CHINESE:
                spans += [(s, e, label, "tagger") for s, e, label in repeated(text, tagged[n])]
                spans += [(s, e, label, "rule") for s, e, label in rules[n] if label in RULE_LABELS]
                category = categories.get(n)
            else:
                spans += [(s, e, label, "rule") for s, e, label in english_entities(text)]
                category = english_category(titles[n] + " " + text)
            entities = [
                Entity(
                    s,
                    e,
                    label or _gazetteer_label(gazetteer, text[s:e]),
                    text[s:e],
                    SOURCE_CONFIDENCE[source],
                    source,
                )
                for s, e, label, source in _flat(spans, len(text))
                if source
            ]
            nature = nature_cue(titles[n], text) or natures.get(n)
            found.append(Extraction(language, category, nature, entities, personal, dates))
        return found


def _gazetteer_label(gazetteer: Gazetteer | None, name: str) -> str:
    entries = gazetteer.entries(name) if gazetteer is not None else []
    return entries[0].label if entries else "PLACE"

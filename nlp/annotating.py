"""How the entity annotations are made: the rules propose spans over a public set's posts
(`propose`, printed with each span marked 【words|L】 for reading), a person corrects them by
writing, per post, the spans in text order as `words/L` (P place, O organisation, R person,
F facility), and `resolve` turns those lines into the committed annotations (offsets, the
excerpt's length and hash: never the text).

An excerpt is the post's text up to the last sentence end within `chars` characters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from nlp.corpus import excerpt_hash, read_set
from nlp.rules import rule_entities

LETTERS = {"P": "PLACE", "O": "ORG", "R": "PERSON", "F": "FACILITY"}
LETTER_OF = {label: letter for letter, label in LETTERS.items()}
SENTENCE_ENDS = "。！？!?"


class AnnotationError(ValueError):
    """A correction line that does not fit its text; the message names the line and words."""


def excerpt(text: str, chars: int) -> str:
    if len(text) <= chars:
        return text
    cut = max(text.rfind(end, 0, chars) for end in SENTENCE_ENDS)
    return text[: cut + 1] if cut > 40 else text[:chars]


def propose(folder: Path, source: str, lines: Iterable[int], chars: int) -> Iterator[str]:
    """`line<TAB>excerpt` with the rules' spans marked, for reading and correcting."""
    posts = read_set(folder, source)
    for number in lines:
        text = excerpt(str(posts[number]["text"]), chars)
        parts, at = [], 0
        for start, end, label in rule_entities(text):
            parts += [text[at:start], f"【{text[start:end]}|{LETTER_OF[label]}】"]
            at = end
        parts.append(text[at:])
        yield f"{number}\t" + "".join(parts).replace("\n", " ")


def resolve(
    folder: Path, source: str, corrected: Iterable[str], chars: int
) -> list[dict[str, Any]]:
    """Annotations from correction lines `line<TAB>words/L words/L ...` (spans in text order;
    each is found after the one before)."""
    posts = read_set(folder, source)
    found = []
    for row in corrected:
        if not row.strip():
            continue
        number_text, _, spec = row.rstrip("\n").partition("\t")
        number = int(number_text)
        text = excerpt(str(posts[number]["text"]), chars)
        spans, at = [], 0
        for item in spec.split():
            words, _, letter = item.rpartition("/")
            start = text.find(words, at)
            if start < 0 or letter not in LETTERS:
                raise AnnotationError(
                    f"{source} line {number}: {item!r} is not in the text after offset {at}"
                )
            spans.append([start, start + len(words), LETTERS[letter]])
            at = start + len(words)
        found.append(
            {
                "source": source,
                "line": number,
                "chars": len(text),
                "sha1": excerpt_hash(text),
                "entities": spans,
            }
        )
    return found

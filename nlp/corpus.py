"""The public petition sets the models learn from, read in place from the petitions folder
(`CIVICGRAPH_PETITIONS_DIR`, by default ../shared/data/petitions): never copied into the
project. The entity annotations the project commits refer to those texts by set, line,
length and a hash of the excerpt, so a changed or missing file is caught, not trained on.

Every split is by a hash of the text, so a post is in the same part on every run, and a
duplicated post cannot sit on both sides."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nlp.evaluate import Span

LABELLED = "teddy2020_labelled"  # department category (7 classes)
HOTLINE = "fuzhou12345_dev"  # nature (投诉, 咨询, ...), channel, reply
UNLABELLED = "teddy2020_unlabelled_hot_issues"
ANNOTATIONS = Path(__file__).parent / "annotations" / "entities.jsonl"
DEV_SHARE = 20  # percent of each set held out for the scores `nlp train` reports

NATURES = {"投诉": "COMPLAINT", "咨询": "CONSULTATION", "建议": "SUGGESTION"}
NATURES |= {"举报": "REPORT", "求助": "HELP", "表扬": "PRAISE"}


class CorpusError(ValueError):
    """A petition set is missing, or an annotation no longer matches its text."""


@dataclass(frozen=True)
class Post:
    title: str
    text: str
    label: str | None = None


@dataclass(frozen=True)
class Annotated:
    text: str
    entities: list[Span]
    key: str  # source:line, for reports


def is_dev(text: str) -> bool:
    """Whether a post is in the held-out part (the same on every run)."""
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) % 100 < DEV_SHARE


def read_set(folder: Path, source: str) -> list[dict[str, object]]:
    path = folder / f"{source}.jsonl"
    if not path.is_file():
        raise CorpusError(f"{path}: not found (set CIVICGRAPH_PETITIONS_DIR)")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def posts(folder: Path, source: str, label: str | None = None) -> list[Post]:
    """Every post of a set, with the field `label` names as its label."""
    found = []
    for row in read_set(folder, source):
        value = row.get(label) if label else None
        found.append(
            Post(str(row.get("title") or ""), str(row["text"]), str(value) if value else None)
        )
    return found


def excerpt_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def annotated(folder: Path, annotations: Path = ANNOTATIONS) -> Iterator[Annotated]:
    """The committed entity annotations with the texts they label."""
    sets: dict[str, list[dict[str, object]]] = {}
    with annotations.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            item = json.loads(line)
            source = str(item["source"])
            if source not in sets:
                sets[source] = read_set(folder, source)
            text = str(sets[source][int(item["line"])]["text"])[: int(item["chars"])]
            if excerpt_hash(text) != item["sha1"]:
                raise CorpusError(
                    f"{annotations.name} line {number}: {source} line {item['line']} "
                    "is not the text it was annotated on"
                )
            spans = [(int(s), int(e), str(label)) for s, e, label in item["entities"]]
            yield Annotated(text, spans, f"{source}:{item['line']}")

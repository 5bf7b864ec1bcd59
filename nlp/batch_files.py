"""Petition files through the pipeline: `nlp extract` (JSON Lines in, the same lines with
category, nature and entities out) and `nlp evaluate` (hand-labelled lines scored as the
pipeline reads them). A line that cannot be read is set aside with its line number and reason;
the rest of the file goes on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from graph.model.personal_text import masked
from nlp.evaluate import category_report, entity_report
from nlp.gazetteer import Gazetteer
from nlp.hot_issues import PetitionFacts, hot_issues
from nlp.pipeline import Extraction, Pipeline, TextError, check_text
from nlp.scored_files import LineError, category_of, json_object, read_lines, spans_of

BATCH = 256


def _read(path: Path, check: Callable[[dict[str, Any]], Any]) -> Iterator[tuple[int, Any, Any]]:
    """(line number, object, checked value), or (line number, None, reason) for a bad line."""
    for number, line in read_lines(path):
        try:
            value = json_object(line)
            check_text(value["text"])
            title = value.get("title")
            if title is not None and not isinstance(title, str):
                raise LineError("title: not a string")
            yield number, value, check(value)
        except (LineError, TextError) as exc:
            yield number, None, str(exc)


def _batches(path: Path, check: Callable[[dict[str, Any]], Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in _read(path, check):
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _run(pipeline: Pipeline, good: list[Any], gazetteer: Gazetteer | None) -> list[Extraction]:
    return pipeline.extract(
        [value["text"] for _, value, _ in good],
        [value.get("title") or "" for _, value, _ in good],
        gazetteer,
    )


def extraction_fields(x: Extraction) -> dict[str, Any]:
    return {
        "language": x.language.value,
        "category": x.category[0] if x.category else None,
        "nature": x.nature[0] if x.nature else None,
        "confidence": {
            "category": x.category[1] if x.category else None,
            "nature": x.nature[1] if x.nature else None,
        },
        "entities": [list(e.span()) for e in x.entities],
        "personal": [[p.start, p.end, p.kind.value] for p in x.personal],
        "dates": [list(d) for d in x.dates],
    }


def extract_file(
    pipeline: Pipeline,
    source: Path,
    target: Path,
    gazetteer: Gazetteer | None = None,
    mask: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write each readable line of `source` with its extraction to `target`; the counts and
    the lines set aside."""
    rejected: list[dict[str, Any]] = []
    written = 0
    with target.open("w", encoding="utf-8") as out:
        for batch in _batches(source, lambda value: None):
            good = [item for item in batch if item[1] is not None]
            rejected += [{"line": n, "reason": reason} for n, v, reason in batch if v is None]
            for (_, value, _), x in zip(good, _run(pipeline, good, gazetteer), strict=True):
                line = {**value, **extraction_fields(x)}
                if mask:
                    line["text"] = masked(value["text"], x.personal)
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                written += 1
            if progress is not None:
                progress(len(batch))
    return {"written": written, "rejected": rejected}


def evaluate_file(pipeline: Pipeline, source: Path, entities: bool) -> dict[str, Any]:
    """Score the pipeline on hand-labelled lines: `{"text", "label"}` (categories) or
    `{"text", "entities": [[start, end, label], ...]}`."""
    check: Callable[[dict[str, Any]], Any] = (
        spans_of if entities else (lambda v: category_of(v, "label"))
    )
    gold: list[Any] = []
    found: list[Any] = []
    rejected: list[dict[str, Any]] = []
    for batch in _batches(source, check):
        good = [item for item in batch if item[1] is not None]
        rejected += [{"line": n, "reason": reason} for n, v, reason in batch if v is None]
        for (_, _, expected), x in zip(good, _run(pipeline, good, None), strict=True):
            gold.append(expected)
            if entities:
                found.append([e.span() for e in x.entities])
            else:
                found.append(x.category[0] if x.category else "")
    report = entity_report(gold, found) if entities else category_report(gold, found)
    return {**report, "rejected": rejected}


def _time(value: object) -> datetime | None:
    """A post's time as the public sets write it (2019/8/19 11:48:23, 2018-12-04 00:00:00)."""
    if not isinstance(value, str):
        return None
    for pattern in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def hot_issues_file(
    pipeline: Pipeline,
    source: Path,
    since: datetime | None = None,
    until: datetime | None = None,
    first: int = 10,
) -> dict[str, Any]:
    """Hot issues among a file's posts (`{"text", "title"?, "time"}` lines), grouped by the
    places their text names (no graph to link to); lines without a readable time are set
    aside."""
    facts: list[PetitionFacts] = []
    rejected: list[dict[str, Any]] = []
    for batch in _batches(source, lambda value: _time(value.get("time"))):
        good = [item for item in batch if item[1] is not None and item[2] is not None]
        rejected += [{"line": n, "reason": reason} for n, v, reason in batch if v is None]
        rejected += [
            {"line": n, "reason": "time: missing or not a date and time"}
            for n, v, at in batch
            if v is not None and at is None
        ]
        for (number, value, at), x in zip(good, _run(pipeline, good, None), strict=True):
            places = [(e.text, None) for e in x.entities if e.label in ("PLACE", "ORG")]
            facts.append(
                PetitionFacts(
                    id=str(number),
                    at=at,
                    text=value["text"],
                    title=value.get("title") or "",
                    department=x.category[0] if x.category else None,
                    places=places,
                )
            )
    if not facts:
        return {"issues": [], "rejected": rejected}
    since = since or min(f.at for f in facts)
    until = until or max(f.at for f in facts) + timedelta(seconds=1)
    issues = hot_issues(facts, since, until, first)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "posts": len(facts),
        "issues": [
            {
                "label": i.label,
                "place": i.place,
                "topic": i.topic,
                "keywords": i.keywords,
                "petitions": len(i.petitions),
                "lines": [int(n) for n in i.petitions],
                "first_at": i.first_at.isoformat() if i.first_at else None,
                "last_at": i.last_at.isoformat() if i.last_at else None,
                "heat": i.heat,
                "trend": i.trend,
                "submitters": i.submitters,
            }
            for i in issues
        ],
        "rejected": rejected,
    }

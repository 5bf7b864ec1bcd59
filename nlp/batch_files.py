"""Petition files through the pipeline: `nlp extract` (JSON Lines in, the same lines with
category, nature and entities out) and `nlp evaluate` (hand-labelled lines scored as the
pipeline reads them). A line that cannot be read is set aside with its line number and reason;
the rest of the file goes on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from nlp.evaluate import category_report, entity_report
from nlp.gazetteer import Gazetteer
from nlp.personal import masked
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

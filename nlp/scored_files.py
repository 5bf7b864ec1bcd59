"""Scoring a predictions file against a gold file, line by line (JSON Lines, paired by
position and checked to hold the same text). A line that is not a JSON object, lacks what it
needs, or pairs with a different text is set aside with its line number and reason; the rest
are scored (`nlp.evaluate`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nlp.evaluate import Span, category_report, entity_report


class LineError(ValueError):
    """What is wrong with one line."""


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def json_object(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(value, dict):
        raise LineError("not a JSON object")
    if not isinstance(value.get("text"), str):
        raise LineError("text: missing or not a string")
    return value


def category_of(value: dict[str, Any], key: str) -> str:
    found = value.get(key)
    if isinstance(found, dict):  # {"label": ..., "confidence": ...}
        found = found.get("label")
    if not isinstance(found, str) or not found:
        raise LineError(f"{key}: missing or not a label")
    return found


def spans_of(value: dict[str, Any]) -> list[Span]:
    found = value.get("entities")
    if not isinstance(found, list):
        raise LineError("entities: missing or not a list")
    spans = []
    for n, item in enumerate(found):
        if (
            not isinstance(item, list | tuple)
            or len(item) != 3
            or not all(isinstance(x, int) for x in item[:2])
            or not isinstance(item[2], str)
            or not 0 <= item[0] < item[1] <= len(value["text"])
        ):
            raise LineError(f"entities[{n}]: not [start, end, label] within the text")
        spans.append((item[0], item[1], item[2]))
    return spans


def score_files(gold: Path, predicted: Path, entities: bool) -> dict[str, Any]:
    """The report of `predicted` against `gold`: categories (gold `label`, predicted
    `category`) or, with `entities`, spans (`entities` on both); with the lines set aside."""
    rejected: list[dict[str, Any]] = []
    gold_values: list[Any] = []
    found_values: list[Any] = []
    theirs = list(read_lines(predicted))
    mine = list(read_lines(gold))
    if len(mine) != len(theirs):
        raise LineError(f"gold has {len(mine)} lines, predicted {len(theirs)}: pair them by line")
    for (number, line), (_, other) in zip(mine, theirs, strict=True):
        try:
            expected, given = json_object(line), json_object(other)
            if expected["text"] != given["text"]:
                raise LineError("the predicted line is about another text")
            pair: tuple[Any, Any]
            if entities:
                pair = spans_of(expected), spans_of(given)
            else:
                pair = category_of(expected, "label"), category_of(given, "category")
        except LineError as exc:
            rejected.append({"line": number, "reason": str(exc)})
            continue
        gold_values.append(pair[0])
        found_values.append(pair[1])
    report = (
        entity_report(gold_values, found_values)
        if entities
        else category_report(gold_values, found_values)
    )
    return {**report, "rejected": rejected}

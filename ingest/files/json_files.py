"""JSON inputs: JSON Lines, or one array of objects decoded an element at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ingest.files.tables import (
    RawRow,
    Table,
    bytes_read,
    cell_text,
    detect_encoding,
    shown,
    undecoded,
)

JSON_CHUNK = 1 << 16
JSON_MAX_ELEMENT = 16 << 20  # an array element longer than this is taken as broken
JSON_BETWEEN = frozenset(" \t\r\n,")


def _json_row(value: Any, text: str, unit: str, encoding: str) -> RawRow:
    """A decoded JSON value as a raw row, or an error row keeping the original text."""
    if undecoded(text):
        error = f"{unit}: not {encoding} text (a byte that does not decode)"
        return {"\x00error": error, "\x00raw": shown(text)}
    if not isinstance(value, dict):
        return {"\x00error": f"{unit}: not a JSON object", "\x00raw": text}
    return {str(k): cell_text(v) for k, v in value.items()}


def _jsonl_rows(handle: TextIO) -> Iterator[tuple[int, RawRow]]:
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                if undecoded(line):
                    yield number, _json_row(None, line, "line", str(handle.encoding))
                    continue
                yield number, {"\x00error": f"line: not valid JSON ({exc.msg})", "\x00raw": line}
                continue
            yield number, _json_row(value, line, "line", str(handle.encoding))


def _json_array_values(handle: TextIO) -> Iterator[tuple[int, Any, str]]:
    """The elements of a top-level JSON array, decoded one at a time from a bounded buffer:
    (element number, value, its text). A broken element ends the array with a JSONDecodeError
    value, since nothing after it can be told apart."""
    decoder = json.JSONDecoder()
    buffer = handle.read(JSON_CHUNK)
    position = buffer.index("[") + 1
    number = 0
    while True:
        while position < len(buffer) and buffer[position] in JSON_BETWEEN:
            position += 1
        if position == len(buffer):
            more = handle.read(JSON_CHUNK)
            if not more:
                return  # an array cut short after a whole element: every element was read
            buffer, position = more, 0
            continue
        if buffer[position] == "]":
            return
        try:
            value, end = decoder.raw_decode(buffer, position)
        except json.JSONDecodeError as exc:
            more = handle.read(JSON_CHUNK) if len(buffer) - position < JSON_MAX_ELEMENT else ""
            if not more:
                yield number + 1, exc, buffer[position : position + 200]
                return
            buffer, position = buffer[position:] + more, 0
            continue
        number += 1
        yield number, value, buffer[position:end]
        position = end
        if position > JSON_CHUNK:  # drop what was read, now and then (not at every element)
            buffer, position = buffer[position:], 0


def _json_array_rows(handle: TextIO) -> Iterator[tuple[int, RawRow]]:
    with handle:
        for number, value, text in _json_array_values(handle):
            if isinstance(value, json.JSONDecodeError):
                error = f"element: not valid JSON ({value.msg}); the elements after it are not read"
                yield number, {"\x00error": error, "\x00raw": text}
                return
            yield number, _json_row(value, text, "element", str(handle.encoding))


def _is_json_array(path: Path, encoding: str) -> bool:
    with open(path, encoding=encoding, errors="surrogateescape") as handle:
        start = handle.read(JSON_CHUNK).lstrip()
    return start.startswith("[")


def read_jsonl(path: Path) -> Table:
    """JSON Lines, or a file holding one JSON array of objects (its elements are the rows)."""
    encoding = detect_encoding(path)
    array = _is_json_array(path, encoding)
    headers = _first_keys(path, encoding, array)
    # Closed by the row iterator; bytes that do not decode reject their row (see tables.py).
    handle = open(path, encoding=encoding, errors="surrogateescape")  # noqa: SIM115
    rows = _json_array_rows(handle) if array else _jsonl_rows(handle)
    done = bytes_read(handle, path.stat().st_size)
    return Table(path, None, headers, rows, encoding, done=done)


def _first_keys(path: Path, encoding: str, array: bool) -> list[str]:
    """The keys of the first object: the table's headers."""
    with open(path, encoding=encoding, errors="surrogateescape") as handle:
        if array:
            first = next((value for _, value, _ in _json_array_values(handle)), None)
        else:
            line = next((line for line in handle if line.strip()), "")
            try:
                first = json.loads(line)
            except json.JSONDecodeError:
                first = None
    return [str(k) for k in first] if isinstance(first, dict) else []

"""Delimited text files (CSV, TSV, TXT): the encoding (UTF-8 with or without BOM, UTF-16,
GBK/GB18030) and the delimiter are detected; rows stream."""

from __future__ import annotations

import contextlib
import csv
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ingest.errors import UnreadableFileError
from ingest.files.tables import (
    HEADER_SEARCH_ROWS,
    HeaderScore,
    RawRow,
    Table,
    bytes_read,
    detect_encoding,
    header_index,
    shown,
    undecoded,
)
from ingest.mapping.canonical import LIST_SEPARATOR

DELIMITERS = (",", "\t", ";", "|")
# Longer than any valid cell (the longest text a model takes is far shorter); a quote that is
# never closed makes the rest of the file one cell, and this bounds what it holds in memory.
MAX_CELL_CHARS = 1 << 20


def _csv_rows(handle: TextIO, delimiter: str, title_rows: int) -> Iterator[tuple[int, RawRow]]:
    reader = csv.reader(handle, delimiter=delimiter)  # Excel's CSV otherwise
    for _ in range(title_rows):
        next(reader, None)
    headers = next(reader, None) or []
    try:
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # the reader goes on at the next line
                problem = f"row (to line {reader.line_num}): {_csv_problem(exc)}"
                yield reader.line_num, {"\x00error": problem}
                continue
            joined = "".join(values)
            if not joined.strip():  # a blank line, or only empty cells
                continue
            if undecoded(joined):
                row = {h: shown(v) for h, v in zip(headers, values, strict=False)}
                row["\x00error"] = f"row: not {handle.encoding} text (a byte that does not decode)"
                yield reader.line_num, row
                continue
            row = dict(zip(headers, values, strict=False))
            if len(values) > len(headers):
                row["\x00extra"] = LIST_SEPARATOR.join(values[len(headers) :])
            yield reader.line_num, row
    finally:
        handle.close()


def _first_rows(reader: Iterator[list[str]]) -> list[list[str]]:
    """The rows the header is looked for in: up to HEADER_SEARCH_ROWS, or up to one that is
    not readable (the rows themselves report it)."""
    rows: list[list[str]] = []
    with contextlib.suppress(csv.Error):
        rows.extend(itertools.islice(reader, HEADER_SEARCH_ROWS))
    return rows


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"a cell of more than {MAX_CELL_CHARS:,} characters (or a quote that is never closed)"
        )
    return f"not readable as CSV ({exc})"


def _delimiter(handle: TextIO) -> str:
    """The delimiter the first rows use most: comma, tab, semicolon or bar (exports differ;
    a tie keeps the comma)."""
    lines = list(itertools.islice(handle, HEADER_SEARCH_ROWS))
    handle.seek(0)
    counts = {d: max((line.count(d) for line in lines), default=0) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d])  # the first of equals: the comma


def read_csv(path: Path, score: HeaderScore | None = None) -> Table:
    encoding = detect_encoding(path)
    # Closed by the row iterator; bytes that do not decode reject their row (see tables.py).
    handle = open(path, newline="", encoding=encoding, errors="surrogateescape")  # noqa: SIM115
    delimiter = _delimiter(handle)
    csv.field_size_limit(MAX_CELL_CHARS)
    first_rows = _first_rows(csv.reader(handle, delimiter=delimiter))
    title_rows = header_index(first_rows, score)
    headers = first_rows[title_rows] if first_rows else []
    if undecoded("".join(headers)):
        handle.close()
        raise UnreadableFileError(f"{path.name}: the header is not {encoding} text")
    handle.seek(0)
    rows = _csv_rows(handle, delimiter, title_rows)
    done = bytes_read(handle, path.stat().st_size)
    return Table(path, None, headers, rows, encoding, title_rows, done)

"""Delimited text files (CSV, TSV, TXT): the encoding (UTF-8 with or without BOM, UTF-16,
GBK/GB18030) and the delimiter are detected; rows stream."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ingest.canonical import LIST_SEPARATOR
from ingest.tables import (
    HEADER_SEARCH_ROWS,
    HeaderScore,
    RawRow,
    Table,
    UnreadableFileError,
    bytes_read,
    detect_encoding,
    header_index,
)

DELIMITERS = (",", "\t", ";", "|")


def _csv_rows(
    handle: TextIO, path: Path, dialect: type[csv.Dialect], title_rows: int
) -> Iterator[tuple[int, RawRow]]:
    reader = csv.reader(handle, dialect)
    for _ in range(title_rows):
        next(reader, None)
    headers = next(reader, None) or []
    try:
        for values in reader:
            if not "".join(values).strip():  # a blank line, or only empty cells
                continue
            row = dict(zip(headers, values, strict=False))
            if len(values) > len(headers):
                row["\x00extra"] = LIST_SEPARATOR.join(values[len(headers) :])
            yield reader.line_num, row
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"{path.name}: line {reader.line_num + 1} is not {handle.encoding} text ({exc.reason})"
        ) from None
    finally:
        handle.close()


class _Delimited(csv.excel):
    """Excel's CSV with another delimiter."""


def _dialect(handle: TextIO) -> type[csv.Dialect]:
    """Excel's CSV with the delimiter the first rows use most: comma, tab, semicolon or bar
    (exports differ; a tie keeps the comma)."""
    lines = list(itertools.islice(handle, HEADER_SEARCH_ROWS))
    handle.seek(0)
    counts = {d: max((line.count(d) for line in lines), default=0) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # the first of equals: the comma
    if best == ",":
        return csv.excel
    return type("Delimited", (_Delimited,), {"delimiter": best})


def read_csv(path: Path, score: HeaderScore | None = None) -> Table:
    encoding = detect_encoding(path)
    handle = open(path, newline="", encoding=encoding)  # noqa: SIM115 (closed by the row iterator)
    try:
        dialect = _dialect(handle)
    except UnicodeDecodeError as exc:
        handle.close()
        raise UnreadableFileError(f"{path.name}: the header is not {encoding} text") from exc
    reader = csv.reader(handle, dialect)
    try:
        first_rows = [row for _, row in zip(range(HEADER_SEARCH_ROWS), reader, strict=False)]
    except UnicodeDecodeError as exc:
        handle.close()
        raise UnreadableFileError(f"{path.name}: the header is not {encoding} text") from exc
    title_rows = header_index(first_rows, score)
    headers = first_rows[title_rows] if first_rows else []
    handle.seek(0)
    rows = _csv_rows(handle, path, dialect, title_rows)
    done = bytes_read(handle, path.stat().st_size)
    return Table(path, None, headers, rows, encoding, title_rows, done)

"""Streaming readers of ingest files: CSV (UTF-8 with or without BOM, UTF-16, GBK/GB18030),
JSON Lines, XLSX and XLS. Each yields tables of raw rows (header → text) with their row numbers,
one at a time.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO

from ingest.canonical import LIST_SEPARATOR

RawRow = dict[str, str]
SNIFF_BYTES = 1 << 20
FORMATS = ("csv", "jsonl", "xlsx", "xls")
# Exports often put a title, the reporting unit or a date above the header row: the header is
# looked for among this many first rows.
HEADER_SEARCH_ROWS = 10
MIN_KNOWN_HEADERS = 2
HeaderScore = Callable[[list[str]], int]  # how many of a row's cells are known column headers
DELIMITERS = (",", "\t", ";", "|")
JSON_CHUNK = 1 << 16
JSON_MAX_ELEMENT = 16 << 20  # an array element longer than this is taken as broken
JSON_BETWEEN = frozenset(" \t\r\n,")


class UnreadableFileError(ValueError):
    """The file cannot be read at all (the job cannot run on it)."""


@dataclass
class Table:
    """One table of an input: a file, or one sheet of a workbook."""

    path: Path
    sheet: str | None
    headers: list[str]
    rows: Iterator[tuple[int, RawRow]]  # (row number as a person counts it, raw values)
    encoding: str | None = None
    title_rows: int = 0  # rows above the header (a title, the reporting unit): not data

    @property
    def name(self) -> str:
        return f"{self.path.name}#{self.sheet}" if self.sheet else self.path.name


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".xls":
        return "xls"
    raise UnreadableFileError(
        f"{path.name}: unknown format {suffix!r} (give .csv, .jsonl, .xlsx or .xls)"
    )


def detect_encoding(path: Path) -> str:
    """utf-8-sig or utf-16 when the file starts with that BOM (Excel's "Unicode text" is
    UTF-16), utf-8 when its start decodes as UTF-8, else GB18030 (a superset of GBK and
    GB2312, what Chinese spreadsheet exports write)."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _text(value: Any) -> str:
    """A cell or JSON value as text: dates in ISO form, whole floats without '.0', lists joined."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def header_index(first_rows: list[list[str]], score: HeaderScore | None) -> int:
    """Which of a table's first rows is its header: the first row, unless it names fewer than
    two known columns and a later one (within HEADER_SEARCH_ROWS) names at least two."""
    if score is None or not first_rows or score(first_rows[0]) >= MIN_KNOWN_HEADERS:
        return 0
    for index, cells in enumerate(first_rows[1:HEADER_SEARCH_ROWS], start=1):
        if score(cells) >= MIN_KNOWN_HEADERS:
            return index
    return 0


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
    return Table(path, None, headers, rows, encoding, title_rows)


def _json_row(value: Any, text: str, unit: str) -> RawRow:
    """A decoded JSON value as a raw row, or an error row keeping the original text."""
    if not isinstance(value, dict):
        return {"\x00error": f"{unit}: not a JSON object", "\x00raw": text}
    return {str(k): _text(v) for k, v in value.items()}


def _jsonl_rows(path: Path, encoding: str) -> Iterator[tuple[int, RawRow]]:
    with open(path, encoding=encoding) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, {"\x00error": f"line: not valid JSON ({exc.msg})", "\x00raw": line}
                continue
            yield number, _json_row(value, line, "line")


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


def _json_array_rows(path: Path, encoding: str) -> Iterator[tuple[int, RawRow]]:
    with open(path, encoding=encoding) as handle:
        for number, value, text in _json_array_values(handle):
            if isinstance(value, json.JSONDecodeError):
                error = f"element: not valid JSON ({value.msg}); the elements after it are not read"
                yield number, {"\x00error": error, "\x00raw": text}
                return
            yield number, _json_row(value, text, "element")


def _is_json_array(path: Path, encoding: str) -> bool:
    with open(path, encoding=encoding) as handle:
        start = handle.read(JSON_CHUNK).lstrip()
    return start.startswith("[")


def read_jsonl(path: Path) -> Table:
    """JSON Lines, or a file holding one JSON array of objects (its elements are the rows)."""
    encoding = detect_encoding(path)
    headers: list[str] = []
    if _is_json_array(path, encoding):
        with open(path, encoding=encoding) as handle:
            for _, first, _ in _json_array_values(handle):
                headers = [str(k) for k in first] if isinstance(first, dict) else []
                break
        return Table(path, None, headers, _json_array_rows(path, encoding), encoding)
    with open(path, encoding=encoding) as handle:
        for line in handle:
            if line.strip():
                try:
                    first = json.loads(line)
                except json.JSONDecodeError:
                    break
                headers = [str(k) for k in first] if isinstance(first, dict) else []
                break
    return Table(path, None, headers, _jsonl_rows(path, encoding), encoding)


def _sheet_rows(
    rows: Iterator[tuple[Any, ...]], headers: list[str], first_number: int
) -> Iterator[tuple[int, RawRow]]:
    for number, values in enumerate(rows, start=first_number):
        if not any(v is not None and str(v).strip() for v in values):
            continue
        yield number, {h: _text(v) for h, v in zip(headers, values, strict=False) if h}


def read_xlsx(
    path: Path, sheet: str | None = None, score: HeaderScore | None = None
) -> list[Table]:
    """Every sheet of a workbook (or the named one) as a table; streamed in read-only mode."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a bad file)
        raise UnreadableFileError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    names = _sheet_names(path, workbook.sheetnames, sheet)
    tables = []
    for name in names:
        rows = workbook[name].iter_rows(values_only=True)
        table = _sheet_table(
            path, name if len(workbook.sheetnames) > 1 or sheet else None, rows, score
        )
        if table is not None:
            tables.append(table)
    return tables


def read_xls(path: Path, sheet: str | None = None, score: HeaderScore | None = None) -> list[Table]:
    """Every sheet of an Excel 97-2003 workbook (or the named one) as a table. The format holds
    at most 65,536 rows a sheet, so a sheet is read whole."""
    import xlrd

    try:
        workbook = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # noqa: BLE001 (xlrd raises many kinds for a bad file)
        raise UnreadableFileError(f"{path.name}: not a readable XLS workbook ({exc})") from None
    all_names = workbook.sheet_names()
    tables = []
    for name in _sheet_names(path, all_names, sheet):
        rows = _xls_rows(workbook, workbook.sheet_by_name(name))
        table = _sheet_table(path, name if len(all_names) > 1 or sheet else None, rows, score)
        if table is not None:
            tables.append(table)
    return tables


def _xls_rows(workbook: Any, sheet: Any) -> Iterator[tuple[Any, ...]]:
    """A sheet's rows as Python values: dates as datetimes, booleans as bools, errors as text."""
    import xlrd

    for index in range(sheet.nrows):
        values: list[Any] = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                values.append(xlrd.xldate_as_datetime(cell.value, workbook.datemode))
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                values.append(bool(cell.value))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                values.append(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                values.append(None)
            else:
                values.append(cell.value)
        yield tuple(values)


def _sheet_names(path: Path, names: list[str], sheet: str | None) -> list[str]:
    if sheet is not None and sheet not in names:
        raise UnreadableFileError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(names)})")
    return [sheet] if sheet else names


def _sheet_table(
    path: Path, name: str | None, rows: Iterator[tuple[Any, ...]], score: HeaderScore | None
) -> Table | None:
    """A sheet as a table: its header found below any title rows (None for an empty sheet)."""
    first_rows = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not first_rows:
        return None
    cells = [[_text(v).strip() for v in values] for values in first_rows]
    title_rows = header_index(cells, score)
    headers = cells[title_rows]
    below = itertools.chain(first_rows[title_rows + 1 :], rows)
    return Table(
        path,
        name,
        headers,
        _sheet_rows(below, headers, first_number=title_rows + 2),
        title_rows=title_rows,
    )


def open_tables(
    path: Path, sheet: str | None = None, score: HeaderScore | None = None
) -> list[Table]:
    """The tables of one input file; `score` finds a header row below title rows."""
    if not path.is_file():
        raise UnreadableFileError(f"{path}: no such file")
    kind = file_format(path)
    if kind == "xlsx":
        return read_xlsx(path, sheet, score)
    if kind == "xls":
        return read_xls(path, sheet, score)
    if sheet is not None:
        raise UnreadableFileError(f"{path.name}: --sheet applies to Excel workbooks only")
    return [read_csv(path, score) if kind == "csv" else read_jsonl(path)]

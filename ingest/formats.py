"""Streaming readers of ingest files: CSV (UTF-8 with or without BOM, GBK/GB18030), JSON Lines
and XLSX. Each yields tables of raw rows (header → text) with their row numbers, one at a time.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO

from ingest.canonical import LIST_SEPARATOR

RawRow = dict[str, str]
SNIFF_BYTES = 1 << 20
FORMATS = ("csv", "jsonl", "xlsx")


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
    raise UnreadableFileError(
        f"{path.name}: unknown format {suffix!r} (give .csv, .jsonl or .xlsx)"
    )


def detect_encoding(path: Path) -> str:
    """utf-8-sig when the file starts with a BOM, utf-8 when its start decodes as UTF-8, else
    GB18030 (a superset of GBK and GB2312, what Chinese spreadsheet exports write)."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
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
    return str(value)


def _csv_rows(
    handle: TextIO, path: Path, dialect: type[csv.Dialect]
) -> Iterator[tuple[int, RawRow]]:
    reader = csv.reader(handle, dialect)
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


def read_csv(path: Path) -> Table:
    encoding = detect_encoding(path)
    handle = open(path, newline="", encoding=encoding)  # noqa: SIM115 (closed by the row iterator)
    dialect: type[csv.Dialect] = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    try:
        headers = next(csv.reader(handle, dialect), [])
    except UnicodeDecodeError as exc:
        handle.close()
        raise UnreadableFileError(f"{path.name}: the header is not {encoding} text") from exc
    handle.seek(0)
    return Table(path, None, headers, _csv_rows(handle, path, dialect), encoding)


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
            if not isinstance(value, dict):
                yield number, {"\x00error": "line: not a JSON object", "\x00raw": line}
                continue
            yield number, {str(k): _text(v) for k, v in value.items()}


def read_jsonl(path: Path) -> Table:
    encoding = detect_encoding(path)
    headers: list[str] = []
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
    rows: Iterator[tuple[Any, ...]], headers: list[str]
) -> Iterator[tuple[int, RawRow]]:
    for number, values in enumerate(rows, start=2):
        if not any(v is not None and str(v).strip() for v in values):
            continue
        yield number, {h: _text(v) for h, v in zip(headers, values, strict=False) if h}


def read_xlsx(path: Path, sheet: str | None = None) -> list[Table]:
    """Every sheet of a workbook (or the named one) as a table; streamed in read-only mode."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a bad file)
        raise UnreadableFileError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    names = workbook.sheetnames
    if sheet is not None and sheet not in names:
        raise UnreadableFileError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(names)})")
    tables = []
    for name in [sheet] if sheet else names:
        rows = workbook[name].iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            continue
        headers = [_text(v).strip() for v in first]
        tables.append(
            Table(
                path, name if len(names) > 1 or sheet else None, headers, _sheet_rows(rows, headers)
            )
        )
    return tables


def open_tables(path: Path, sheet: str | None = None) -> list[Table]:
    """The tables of one input file."""
    if not path.is_file():
        raise UnreadableFileError(f"{path}: no such file")
    kind = file_format(path)
    if kind == "xlsx":
        return read_xlsx(path, sheet)
    if sheet is not None:
        raise UnreadableFileError(f"{path.name}: --sheet applies to XLSX workbooks only")
    return [read_csv(path) if kind == "csv" else read_jsonl(path)]

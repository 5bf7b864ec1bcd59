"""Excel workbooks: XLSX (streamed in read-only mode) and Excel 97-2003 XLS; every sheet, or
the named one, is a table."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.errors import UnreadableFileError
from ingest.files.tables import (
    HEADER_SEARCH_ROWS,
    HeaderScore,
    RawRow,
    Table,
    cell_text,
    header_index,
)


class _SheetRows:
    """A sheet's rows below its header as raw rows, skipping empty ones; knows how far it got."""

    def __init__(
        self,
        rows: Iterator[tuple[Any, ...]],
        headers: list[str],
        first_number: int,
        row_count: int | None,
    ) -> None:
        self.rows, self.headers, self.first_number = rows, headers, first_number
        self.row_count = row_count  # rows the sheet says it has, when it says
        self.number = first_number - 1

    def __iter__(self) -> Iterator[tuple[int, RawRow]]:
        headers = self.headers
        for number, values in enumerate(self.rows, start=self.first_number):
            self.number = number
            if not any(v is not None and str(v).strip() for v in values):
                continue
            yield number, {h: cell_text(v) for h, v in zip(headers, values, strict=False) if h}

    def done(self) -> float:
        return min(self.number / self.row_count, 1.0) if self.row_count else 0.0


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
        worksheet = workbook[name]
        rows = worksheet.iter_rows(values_only=True)
        shown = name if len(workbook.sheetnames) > 1 or sheet else None
        table = _sheet_table(path, shown, rows, score, _max_row(worksheet))
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
        worksheet = workbook.sheet_by_name(name)
        rows = _xls_rows(workbook, worksheet)
        shown = name if len(all_names) > 1 or sheet else None
        table = _sheet_table(path, shown, rows, score, worksheet.nrows)
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


def _max_row(worksheet: Any) -> int | None:
    """The row count an XLSX sheet declares (its dimension), if it declares one."""
    try:
        return int(worksheet.max_row) if worksheet.max_row else None
    except (TypeError, ValueError):
        return None


def _sheet_table(
    path: Path,
    name: str | None,
    rows: Iterator[tuple[Any, ...]],
    score: HeaderScore | None,
    row_count: int | None,
) -> Table | None:
    """A sheet as a table: its header found below any title rows (None for an empty sheet)."""
    first_rows = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not first_rows:
        return None
    cells = [[cell_text(v).strip() for v in values] for values in first_rows]
    title_rows = header_index(cells, score)
    headers = cells[title_rows]
    below = itertools.chain(first_rows[title_rows + 1 :], rows)
    sheet_rows = _SheetRows(below, headers, title_rows + 2, row_count)
    done = sheet_rows.done if row_count else None
    return Table(path, name, headers, iter(sheet_rows), title_rows=title_rows, done=done)

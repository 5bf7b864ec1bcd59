"""Ingest files by format: CSV and other delimited text, JSON Lines or a JSON array, XLSX and
XLS. Each file gives one or more tables of raw rows (header → text) with their row numbers,
streamed one at a time."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import UnreadableFileError
from ingest.files.delimited import read_csv
from ingest.files.json_files import read_jsonl
from ingest.files.tables import HeaderScore, Table
from ingest.files.workbooks import read_xls, read_xlsx

__all__ = ["FORMATS", "file_format", "input_files", "open_tables"]

FORMATS = ("csv", "jsonl", "xlsx", "xls")
REJECTS_SUFFIX = ".rejects.csv"  # what a job writes beside its inputs


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


def input_files(paths: list[Path]) -> list[Path]:
    """The files to load: each file given, and the files of a known format in each folder
    given (not its subfolders, nor the reject files a job writes there, nor .txt files, which
    in a folder are more often notes than exports; name one to load it)."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        inside = [
            p
            for p in sorted(path.iterdir())
            if p.is_file()
            and not p.name.endswith(REJECTS_SUFFIX)
            and p.suffix.lower() != ".txt"
            and _known_format(p)
        ]
        if not inside:
            raise UnreadableFileError(f"{path}: no .csv, .jsonl, .xlsx or .xls files in it")
        found += inside
    return found


def _known_format(path: Path) -> bool:
    try:
        file_format(path)
    except UnreadableFileError:
        return False
    return True


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

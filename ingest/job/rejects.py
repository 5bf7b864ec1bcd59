"""Reject files: every row that cannot be loaded, with its original columns and the reason."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from ingest.files.formats import REJECTS_SUFFIX, file_format
from ingest.files.tables import Table

REASON = "reason"
RAW = "raw"


def rejects_path(table: Table, directory: Path | None) -> Path:
    """`<dir>/<input stem>[.<sheet>].rejects.csv`; the directory defaults to the input's."""
    stem = table.path.stem + (f".{table.sheet}" if table.sheet else "")
    return (directory or table.path.parent) / f"{stem}{REJECTS_SUFFIX}"


class RejectWriter:
    """Appends rejected rows to a table's reject file (UTF-8 with BOM, so Excel reads Chinese).

    The file is created at the first reject. `truncate_to` cuts a file back to a checkpoint
    (resume); `bytes_written` is the length to record at the next checkpoint.
    """

    def __init__(self, table: Table, path: Path) -> None:
        self.path = path
        # JSON Lines rows may carry keys the first row lacks: keep each whole line too.
        raw = [RAW] if file_format(table.path) == "jsonl" else []
        self.columns = [h for h in table.headers if h] + raw
        self._handle: TextIO | None = None
        self._writer: csv.DictWriter[str] | None = None
        self.count = 0

    def start_fresh(self) -> None:
        self.path.unlink(missing_ok=True)

    def truncate_to(self, size: int) -> None:
        if self.path.exists():
            with open(self.path, "r+b") as handle:
                handle.truncate(size)
            if size == 0:
                self.path.unlink()

    def write(self, raw: dict[str, str], reason: str) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists() or self.path.stat().st_size == 0
            encoding = "utf-8-sig" if new else "utf-8"
            self._handle = open(self.path, "a", newline="", encoding=encoding)  # noqa: SIM115
            self._writer = csv.DictWriter(
                self._handle, [*self.columns, REASON], extrasaction="ignore"
            )
            if new:
                self._writer.writeheader()
        row = {k: v for k, v in raw.items() if not k.startswith("\x00")}
        if "\x00raw" in raw:
            row[RAW] = raw["\x00raw"].rstrip("\n")
        row[REASON] = reason
        self._writer.writerow(row)
        self.count += 1

    def bytes_written(self) -> int:
        if self._handle is not None:
            self._handle.flush()
            return self._handle.tell()
        return self.path.stat().st_size if self.path.exists() else 0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            self._writer = None

"""What every ingest file reader yields: tables of raw rows, and the pieces readers share
(a text file's encoding, cell text, finding the header below title rows)."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO

from ingest.mapping.canonical import LIST_SEPARATOR

RawRow = dict[str, str]
SNIFF_BYTES = 1 << 20  # what encoding detection reads of a text file
UTF8_GOOD_PER_BAD = 20  # valid UTF-8 characters per bad sequence that still mean UTF-8
# Exports often put a title, the reporting unit or a date above the header row: the header is
# looked for among this many first rows.
HEADER_SEARCH_ROWS = 10
MIN_KNOWN_HEADERS = 2
HeaderScore = Callable[[list[str]], int]  # how many of a row's cells are known column headers
Done = Callable[[], float]  # how much of a table has been read, from 0 to 1
# Text files are decoded with errors="surrogateescape": a byte that does not decode becomes
# one of these, so the row holding it is rejected and the rows around it still load.
_UNDECODED = re.compile("[\udc80-\udcff]")


@dataclass
class Table:
    """One table of an input: a file, or one sheet of a workbook."""

    path: Path
    sheet: str | None
    headers: list[str]
    rows: Iterator[tuple[int, RawRow]]  # (row number as a person counts it, raw values)
    encoding: str | None = None
    title_rows: int = 0  # rows above the header (a title, the reporting unit): not data
    done: Done | None = None  # how far reading has got, where the input can tell

    @property
    def name(self) -> str:
        return f"{self.path.name}#{self.sheet}" if self.sheet else self.path.name


def detect_encoding(path: Path) -> str:
    """utf-8-sig or utf-16 when the file starts with that BOM (Excel's "Unicode text" is
    UTF-16); utf-8 when its start decodes as UTF-8, or nearly: a few corrupt bytes among many
    UTF-8 characters still mean UTF-8 (their rows are rejected); else GB18030 (a superset of
    GBK and GB2312, what Chinese spreadsheet exports write)."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    text = decoder.decode(head, final=len(head) < SNIFF_BYTES)
    bad = text.count("\ufffd") - head.count("\ufffd".encode())  # not counting real U+FFFD
    if bad == 0:
        return "utf-8"
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    # GBK text read as UTF-8 is nearly all bad sequences; UTF-8 with a corrupt line is not.
    return "utf-8" if non_ascii - bad >= UTF8_GOOD_PER_BAD * bad else "gb18030"


def bytes_read(handle: TextIO, size: int) -> Done:
    """How far through its file a text handle has read (its byte buffer's position: the
    text decoded so far, to within one read-ahead; 1 once the file is closed)."""

    def done() -> float:
        try:
            return min(handle.buffer.tell() / size, 1.0) if size else 1.0
        except ValueError:  # closed at the end of the rows
            return 1.0

    return done


def undecoded(text: str) -> bool:
    """True when `text` holds bytes its file's encoding could not decode."""
    return not text.isascii() and _UNDECODED.search(text) is not None


def shown(text: str) -> str:
    """`text` fit to be written out: undecodable bytes as U+FFFD."""
    return _UNDECODED.sub("\ufffd", text)


def cell_text(value: Any) -> str:
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
        return LIST_SEPARATOR.join(cell_text(v) for v in value)
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

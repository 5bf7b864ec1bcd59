"""File readers on their own: how far through a table reading has got (for progress bars)."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.formats import open_tables

ROWS = 20_000


def write_csv(path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["grid_id", "name", "level"])
        writer.writerows([f"G{i}", f"第{i}网格", "grid"] for i in range(ROWS))


def write_jsonl(path: Path) -> None:
    lines = (json.dumps({"grid_id": f"G{i}", "name": f"第{i}网格"}) for i in range(ROWS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_json_array(path: Path) -> None:
    grids = [{"grid_id": f"G{i}", "name": f"第{i}网格"} for i in range(ROWS)]
    path.write_text(json.dumps(grids, ensure_ascii=False, indent=1), encoding="utf-8")


def write_xlsx(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["grid_id", "name", "level"])
    for i in range(ROWS):
        sheet.append([f"G{i}", f"第{i}网格", "grid"])
    workbook.save(path)


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("grids.csv", write_csv),
        ("grids.jsonl", write_jsonl),
        ("grids.json", write_json_array),
        ("grids.xlsx", write_xlsx),
    ],
)
def test_a_table_tells_how_far_reading_has_got(
    tmp_path: Path, name: str, write: Callable[[Path], None]
) -> None:
    path = tmp_path / name
    write(path)
    [table] = open_tables(path)
    assert table.done is not None
    assert table.done() < 0.1  # the header was read, and not much more
    half = list(itertools.islice(table.rows, ROWS // 2))
    assert half[-1][1]["grid_id"] == f"G{ROWS // 2 - 1}"
    assert 0.3 < table.done() < 0.8
    rest = list(table.rows)
    assert len(half) + len(rest) == ROWS
    assert table.done() == 1.0


def test_an_overlong_cell_is_a_bad_row_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "petitions.csv"
    huge = "长" * 2_000_000
    path.write_text(
        f'petition_id,text\nP1,{huge}\nP2,短\nP3,"never closed\nP4,after\n', encoding="utf-8"
    )
    [table] = open_tables(path)
    rows = list(table.rows)
    assert rows[0] == (2, {"\x00error": rows[0][1]["\x00error"]})
    assert rows[0][1]["\x00error"].startswith("row (to line 2): a cell of more than 1,048,576")
    assert rows[1] == (3, {"petition_id": "P2", "text": "短"})
    # A quote never closed takes the rest of the file into its cell: one row, nothing lost.
    assert rows[2][1]["petition_id"] == "P3" and "P4,after" in rows[2][1]["text"]

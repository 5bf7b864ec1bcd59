"""File readers on their own: how far through a table reading has got (for progress bars)."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.files.formats import open_tables

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


def test_a_corrupt_line_is_a_bad_row_of_a_file_that_keeps_its_encoding(tmp_path: Path) -> None:
    good = [f"G{i},第{i}网格,grid\n".encode() for i in range(200)]
    path = tmp_path / "grids.csv"
    path.write_bytes(
        b"grid_id,name,level\n"
        + b"".join(good[:100])
        + b"GX,\xff\xfe,grid\n"
        + b"".join(good[100:])
    )
    [table] = open_tables(path)
    assert table.encoding == "utf-8"
    rows = [row for _, row in table.rows]
    [bad] = [row for row in rows if "\x00error" in row]
    assert bad["\x00error"] == "row: not utf-8 text (a byte that does not decode)"
    assert bad["grid_id"] == "GX" and bad["name"] == "\ufffd\ufffd"
    assert [row["name"] for row in rows if "\x00error" not in row] == [
        f"第{i}网格" for i in range(200)
    ]


def test_a_corrupt_json_line_is_a_bad_row(tmp_path: Path) -> None:
    lines = [
        json.dumps({"grid_id": f"G{i}", "name": f"第{i}网格"}, ensure_ascii=False)
        for i in range(50)
    ]
    body = "\n".join(lines).encode()
    path = tmp_path / "grids.jsonl"
    path.write_bytes(body + b'\n{"grid_id": "GX", "name": "\xff"}\n')
    [table] = open_tables(path)
    rows = [row for _, row in table.rows]
    assert len(rows) == 51 and rows[-1]["\x00error"].startswith("line: not utf-8 text")
    assert rows[-1]["\x00raw"] == '{"grid_id": "GX", "name": "\ufffd"}\n'


def test_gbk_text_is_told_from_utf8(tmp_path: Path) -> None:
    path = tmp_path / "居民.csv"
    path.write_bytes("姓名,性别\n张三,男\n".encode("gbk") * 100)
    [table] = open_tables(path)
    assert table.encoding == "gb18030" and table.headers == ["姓名", "性别"]

"""Helpers of the ingest tests: valid ID numbers, export files, a job run, reject files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from graph.model.validators import id_check_code
from graph.port import GraphStore
from ingest.job.items import Summary
from ingest.job.options import JobOptions
from ingest.job.run import IngestJob


def id_number(birth: str, serial: str) -> str:
    """A valid GB 11643 number for a birth date (YYYYMMDD) and a 3-digit serial (odd = male)."""
    first17 = f"110105{birth}{serial}"
    return first17 + id_check_code(first17)


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A workbook with these sheets, in order, each with these rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def run(store: GraphStore, *paths: Path, **options: object) -> tuple[Summary, IngestJob]:
    job = IngestJob(store, JobOptions(**options))  # type: ignore[arg-type]
    return job.run(list(paths)), job


def rejects(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def place(tmp_path: Path) -> list[Path]:
    grids = write_csv(
        tmp_path / "grids.csv",
        [
            ["grid_id", "name", "level", "parent_id"],
            ["G1", "幸福社区", "community", ""],
            ["G2", "幸福社区第一网格", "grid", "G1"],
        ],
    )
    buildings = write_csv(
        tmp_path / "buildings.csv",
        [["building_id", "name", "grid_id"], ["B1", "幸福里1栋", "G2"], ["B2", "幸福里2栋", "G2"]],
    )
    households = write_csv(
        tmp_path / "households.csv",
        [
            ["household_id", "building_id", "unit", "room", "tenure"],
            ["H1", "B1", "1", "101", "owned"],
            ["H2", "B2", "2", "201", "rented"],
        ],
    )
    return [grids, buildings, households]


CHINESE_HEADERS = [
    "姓名",
    "性别",
    "公民身份号码",
    "联系电话",
    "户号",
    "与户主关系",
    "人口类型",
    "人员类别",
]

"""Ingest jobs on both engines: formats and encodings, Chinese headers and values, rejects with
reasons, references across files, idempotency, resident resolution, dry run and resume."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from graph.cypher_store import CypherStore
from graph.model import EdgeType, Label
from graph.model.validators import id_check_code
from graph.store import Direction, NodeRef
from ingest.items import Summary
from ingest.job import IngestJob, JobOptions
from ingest.mapping import Mapping
from ingest.rows import natural_id


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


def run(store: CypherStore, *paths: Path, **options: object) -> tuple[Summary, IngestJob]:
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


def test_gbk_csv_with_chinese_headers_and_values_loads_with_reasons_for_bad_rows(
    store: CypherStore, tmp_path: Path
) -> None:
    place(tmp_path)
    good = id_number("19450302", "122")  # female (even serial), born 1945
    bad_checksum = id_number("19800101", "131")[:-1] + (
        "0" if id_number("19800101", "131")[-1] != "0" else "1"
    )
    residents = write_csv(
        tmp_path / "居民.csv",
        [
            CHINESE_HEADERS,
            ["王秀英", "女", good, "138-0013-8000", "H1", "户主", "户籍", "独居老人、低保"],
            ["李强", "男", bad_checksum, "13900139000", "H1", "子", "户籍", ""],
            ["赵敏", "女", id_number("19900101", "242"), "12345", "H2", "户主", "流动", ""],
            ["孙丽", "女", id_number("19920202", "262"), "13700137000", "H9", "户主", "流动", ""],
            ["周杰", "男", id_number("19930303", "271"), "13600136000", "H2", "表亲", "户籍", ""],
        ],
        encoding="gbk",
    )
    summary, job = run(store, *place(tmp_path), residents, rejects_dir=tmp_path / "out")
    report = next(r for r in job.reports if r.kind == "residents")
    assert (report.summary.read, report.summary.accepted, report.summary.rejected) == (5, 1, 4)
    assert summary.rejected == 4
    reasons = {r["姓名"]: r["reason"] for r in rejects(tmp_path / "out" / "居民.rejects.csv")}
    assert reasons["李强"].startswith("id_number (公民身份号码):") and "check" in reasons["李强"]
    assert reasons["赵敏"].startswith("phone (联系电话):")
    assert reasons["孙丽"] == (
        "household_id (户号): unknown reference Household:H9"
        " (not in the graph, nor loaded by this job)"
    )
    assert reasons["周杰"].startswith("relation_to_head (与户主关系):")
    resident_id = natural_id("R", good)
    node = store.get_nodes([NodeRef(Label.RESIDENT, resident_id)])
    props = node[NodeRef(Label.RESIDENT, resident_id)].props
    assert props["gender"] == "female" and props["birth_date"] == "1945-03-02"
    assert props["phone"] == "13800138000" and props["residency"] == "registered"
    assert props["tags"] == ["elderly_living_alone", "low_income"]
    assert store.count_nodes()[Label.RESIDENT] == 1


def test_a_reject_names_every_field_the_row_got_wrong_and_no_personal_value(
    store: CypherStore, tmp_path: Path
) -> None:
    residents = write_csv(
        tmp_path / "居民.csv",
        [
            CHINESE_HEADERS,
            ["钱多", "其他", id_number("19800101", "131"), "1380013", "", "表亲", "火星", "外星人"],
        ],
    )
    run(store, residents, rejects_dir=tmp_path / "out")
    (reject,) = rejects(tmp_path / "out" / "居民.rejects.csv")
    problems = reject["reason"].split("; ")
    assert [p.partition(":")[0] for p in problems] == [
        "gender (性别)",
        "phone (联系电话)",
        "residency (人口类型)",
        "tags (人员类别)",
        "relation_to_head (与户主关系)",
    ]
    assert not any(value in reject["reason"] for value in ("其他", "1380013", "火星", "外星人"))
    assert store.count_nodes()[Label.RESIDENT] == 0


def test_title_rows_above_the_header_and_a_totals_row_of_an_export(
    store: CypherStore, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [
        ["幸福社区人口登记表（2026年11月）"],
        ["填报单位：幸福社区居委会", None, None, "填报日期：2026-11-20"],
        ["序号", "姓名", "性别", "公民身份号码", "联系电话", "人口类型"],
        [1, "张伟", "男", id_number("19500505", "131"), 13900000002, "户籍"],
        [2, "李娜", "女", id_number("19600606", "242"), "13900000003", "流动"],
        [None] * 6,
        ["合计", "2人"],
    ]
    write_xlsx(tmp_path / "登记表.xlsx", {"人员": rows})
    title = "幸福社区流动人口台账"
    headers = ["姓名", "公民身份号码", "手机号"]
    gbk = write_csv(
        tmp_path / "台账.csv",
        [[title], headers, ["王芳", id_number("19700707", "262"), "13900000004"]],
        encoding="gbk",
    )
    summary, job = run(store, tmp_path / "登记表.xlsx", gbk, rejects_dir=tmp_path / "out")
    sheet_report, csv_report = job.reports
    assert (sheet_report.title_rows, csv_report.title_rows) == (2, 1)
    assert sheet_report.ignored_columns == ["序号"]
    assert (summary.read, summary.accepted, summary.rejected) == (4, 3, 1)
    [totals] = rejects(tmp_path / "out" / "登记表.rejects.csv")
    assert totals["序号"] == "合计" and totals["reason"] == "row: a totals row (合计), not data"
    phones = sorted(r.props["phone"] for r in store.list_nodes(Label.RESIDENT, first=10).records)
    assert phones == ["13900000002", "13900000003", "13900000004"]


def full_width(text: str) -> str:
    return text.translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)})


def test_full_width_digits_spaced_ids_excel_day_counts_and_gender_codes_are_read(
    store: CypherStore, tmp_path: Path
) -> None:
    number = id_number("19500505", "131")
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    rows: list[list[Any]] = [
        ["姓名", "性别", "公民身份号码", "出生日期", "联系电话"],
        ["张伟", 1, full_width(spaced), None, full_width("139-0000-0002")],
        ["李娜", "2", None, 32939, "13900000003"],  # a date cell without a format
        ["王芳", "未说明", id_number("19700707", "262"), None, None],
        ["赵强", "9", None, "1980-01-01", "13900000005"],  # no gender from anywhere: unstated
    ]
    write_xlsx(tmp_path / "人员.xlsx", {"人员": rows})
    summary, _ = run(store, tmp_path / "人员.xlsx", rejects_dir=tmp_path / "out")
    assert (summary.accepted, summary.rejected) == (4, 0)
    stored = {r.props["name"]: r.props for r in store.list_nodes(Label.RESIDENT, first=10).records}
    assert stored["张伟"]["id_number"] == number and stored["张伟"]["phone"] == "13900000002"
    assert stored["张伟"]["gender"] == "male" and stored["李娜"]["gender"] == "female"
    assert stored["李娜"]["birth_date"] == "1990-03-07"
    assert stored["王芳"]["gender"] == "female"  # GB/T 2261.1 "not stated": from the ID number
    assert "gender" not in stored["赵强"]  # GB/T 2261.1 "not stated" and no ID number


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_a_text_export_with_another_delimiter_loads(
    store: CypherStore, tmp_path: Path, delimiter: str
) -> None:
    title = "幸福社区居民名单"  # a title line with no delimiter at all
    lines = [
        title,
        delimiter.join(["姓名", "公民身份号码", "手机号", "地址"]),
        delimiter.join(["王芳", id_number("19700707", "262"), "13900000004", "幸福里1栋, 101"]),
    ]
    export = tmp_path / "居民.txt"
    # Excel's "Unicode text" is UTF-16 with tabs; the others here are GBK.
    encoding = "utf-16" if delimiter == "\t" else "gb18030"
    export.write_text("\n".join(lines) + "\n", encoding=encoding)
    summary, job = run(store, export, rejects_dir=tmp_path / "out")
    assert (summary.accepted, summary.rejected, job.reports[0].title_rows) == (1, 0, 1)
    [resident] = store.list_nodes(Label.RESIDENT, first=10).records
    assert (resident.props["name"], resident.props["phone"]) == ("王芳", "13900000004")


def test_an_excel_97_workbook_loads_every_sheet_or_the_named_one(
    store: CypherStore, tmp_path: Path
) -> None:
    import datetime

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    people = book.add_sheet("人员")
    rows: list[list[Any]] = [
        ["幸福社区人员台账"],
        ["姓名", "性别", "出生日期", "联系电话", "人口类型"],
        ["张伟", "男", datetime.date(1950, 5, 5), 13900000002, "户籍"],
        ["李娜", "女", datetime.date(1960, 6, 6), "1390000", "流动"],
    ]
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            people.write(
                r, c, value, dates if isinstance(value, datetime.date) else xlwt.Style.default_style
            )
    other = book.add_sheet("网格")
    for c, value in enumerate(["grid_id", "name", "level"]):
        other.write(0, c, value)
    for c, value in enumerate(["G1", "幸福社区", "community"]):
        other.write(1, c, value)
    book.save(str(tmp_path / "台账.xls"))

    summary, job = run(store, tmp_path / "台账.xls", rejects_dir=tmp_path / "out")
    assert [(r.table, r.kind, r.title_rows) for r in job.reports] == [
        ("台账.xls#网格", "grids", 0),
        ("台账.xls#人员", "residents", 1),
    ]
    assert (summary.read, summary.accepted, summary.rejected) == (3, 2, 1)
    [resident] = store.list_nodes(Label.RESIDENT, first=10).records
    assert (resident.props["birth_date"], resident.props["phone"]) == ("1950-05-05", "13900000002")
    [reject] = rejects(tmp_path / "out" / "台账.人员.rejects.csv")
    assert reject["姓名"] == "李娜" and reject["reason"].startswith("phone (联系电话):")

    store.clear()
    store.bootstrap()
    summary, _ = run(store, tmp_path / "台账.xls", sheet="网格", rejects_dir=tmp_path / "out")
    assert (summary.read, store.count_nodes()[Label.GRID]) == (1, 1)


def test_a_json_array_file_loads_its_elements_as_rows(store: CypherStore, tmp_path: Path) -> None:
    grids = [
        {"grid_id": "G1", "name": "幸福社区", "level": "community"},
        "not an object",
        {
            "grid_id": "G2",
            "name": "第一网格",
            "level": "grid",
            "parent_id": "G1",
            "extra": {"a": 1},
        },
    ]
    path = tmp_path / "grids.json"
    path.write_text(json.dumps(grids, ensure_ascii=False, indent=2), encoding="utf-8")
    summary, _ = run(store, path, rejects_dir=tmp_path / "out")
    assert (summary.read, summary.accepted, summary.rejected) == (3, 2, 1)
    [reject] = rejects(tmp_path / "out" / "grids.rejects.csv")
    assert reject["reason"] == "element: not a JSON object" and reject["raw"] == '"not an object"'
    assert store.count_nodes()[Label.GRID] == 2

    broken = tmp_path / "broken" / "grids.json"
    broken.parent.mkdir()
    broken.write_text('[{"grid_id": "G3", "name": "三", "level": "grid"}, {"grid_id": }]')
    summary, _ = run(store, broken, rejects_dir=tmp_path / "out2")
    assert (summary.accepted, summary.rejected) == (1, 1)
    [reject] = rejects(tmp_path / "out2" / "grids.rejects.csv")
    assert reject["reason"].startswith("element: not valid JSON")


def test_a_control_character_rejects_its_row_and_the_others_load(
    store: CypherStore, tmp_path: Path
) -> None:
    grids = tmp_path / "grids.csv"
    grids.write_bytes(b"grid_id,name,level\nG1,a\x00b,grid\nG2,ok,grid\n")
    summary, _ = run(store, grids, rejects_dir=tmp_path / "out")
    assert (summary.accepted, summary.rejected) == (1, 1)
    [reject] = rejects(tmp_path / "out" / "grids.rejects.csv")
    assert reject["reason"] == "name: contains the control character U+0000"
    assert store.count_nodes()[Label.GRID] == 1


def test_a_workbook_sheet_without_known_headers_is_skipped_and_reported(
    store: CypherStore, tmp_path: Path
) -> None:
    sheets = {
        "填表说明": [["1. 身份证号请填写18位"], ["2. 人员类别可多选，用顿号分隔"]],
        "人员": [
            ["姓名", "公民身份号码", "手机号"],
            ["张伟", id_number("19500505", "131"), "13900000002"],
        ],
    }
    write_xlsx(tmp_path / "台账.xlsx", sheets)
    summary, job = run(store, tmp_path / "台账.xlsx", rejects_dir=tmp_path / "out")
    assert job.skipped == [("台账.xlsx#填表说明", "no known column headers: not a data sheet")]
    assert [r.table for r in job.reports] == ["台账.xlsx#人员"]
    assert (summary.read, summary.accepted, summary.rejected) == (1, 1, 0)


def test_hotline_and_message_board_exports_load_as_petitions(
    store: CypherStore, tmp_path: Path
) -> None:
    """The layouts of public 12345 hotline and government message-board exports: title, text,
    time, nature, channel and reply; or a category and no time at all."""
    hotline = [
        {
            "title": "关于内河治理情况投诉",
            "text": "河水恶臭，请到现场查看。",
            "time": "2020-09-03 00:00:00",
            "nature": "投诉",
            "channel": "e福州app",
            "reply": "您好，您的诉求已收悉。",
        },
        {
            "title": "咨询",
            "text": "道路何时通车？",
            "time": "2019/8/5 9:30",
            "nature": "咨询",
            "channel": "电话",
        },
        {
            "title": "建议",
            "text": "增设公交站。",
            "time": "2019-03-03",
            "nature": "建议",
            "channel": "短信",
        },
        # The same words on the same day by another channel: another petition.
        {
            "title": "建议",
            "text": "增设公交站。",
            "time": "2019-03-03",
            "nature": "建议",
            "channel": "网站",
        },
    ]
    board = [
        {
            "title": "占道施工有安全隐患",
            "text": "人行道被围挡。",
            "time": None,
            "label": "城乡建设",
        },
        {
            "title": "学校收费问题",
            "text": "补课收费。",
            "time": "2020/1/6 12:09:38",
            "label": "教育文体",
        },
    ]
    for name, rows in (("hotline.jsonl", hotline), ("board.jsonl", board)):
        lines = (json.dumps(row, ensure_ascii=False) for row in rows)
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths = [tmp_path / "hotline.jsonl", tmp_path / "board.jsonl"]
    summary, job = run(store, *paths, kind="petitions", rejects_dir=tmp_path / "out")
    assert (summary.accepted, summary.rejected, summary.created) == (6, 0, 6)
    assert all(r.ignored_columns == [] for r in job.reports)
    stored = {r.props["title"]: r.props for r in store.list_nodes(Label.PETITION, first=10).records}
    assert stored["关于内河治理情况投诉"]["nature"] == "complaint"
    assert stored["关于内河治理情况投诉"]["channel"] == "app"
    assert stored["关于内河治理情况投诉"]["reply"] == "您好，您的诉求已收悉。"
    # A time without a zone is Beijing time.
    assert stored["关于内河治理情况投诉"]["submitted_at"] == "2020-09-02T16:00:00Z"
    hotline_titles = {row["title"] for row in hotline}
    records = store.list_nodes(Label.PETITION, first=10).records
    assert sorted(r.props["channel"] for r in records if r.props["title"] in hotline_titles) == [
        "app",
        "hotline_12345",
        "hotline_12345",
        "message_board",
    ]
    assert stored["占道施工有安全隐患"]["source_category"] == "城乡建设"
    assert stored["占道施工有安全隐患"].get("submitted_at") is None  # the export gave none
    assert stored["占道施工有安全隐患"].get("channel") is None  # nor a channel: none is guessed
    again, _ = run(store, *paths, kind="petitions", rejects_dir=tmp_path / "out")
    assert (again.unchanged, again.created, again.updated) == (6, 0, 0)


def test_bom_csv_and_reference_that_arrives_later_in_the_job(
    store: CypherStore, tmp_path: Path
) -> None:
    grids, buildings, households = place(tmp_path)
    late = write_csv(
        tmp_path / "more_households.csv",
        [["household_id", "building_id", "unit", "room"], ["H3", "B3", "1", "301"]],
        encoding="utf-8-sig",
    )
    later = write_csv(
        tmp_path / "more_buildings.csv",
        [["building_id", "name", "grid_id"], ["B3", "3栋", "G9"], ["B4", "4栋", "G2"]],
    )
    # Buildings load before households; B3 waits for grid G9, which never comes, and H3 for B3.
    summary, _ = run(store, grids, buildings, households, late, later)
    assert summary.rejected == 2  # B3 (unknown grid G9), then H3 (its building was rejected)
    assert store.count_nodes()[Label.BUILDING] == 3
    reasons = rejects(tmp_path / "more_buildings.rejects.csv")
    assert reasons[0]["building_id"] == "B3" and reasons[0]["reason"].startswith("grid_id: unknown")
    late_reasons = rejects(tmp_path / "more_households.rejects.csv")
    assert late_reasons[0]["reason"].startswith("building_id: unknown reference Building:B3")
    fixed = write_csv(
        tmp_path / "fix.csv", [["building_id", "name", "grid_id"], ["B3", "3栋", "G2"]]
    )
    _, _ = run(store, late, fixed, kind=None)
    assert store.count_nodes()[Label.HOUSEHOLD] == 3
    assert not (tmp_path / "more_households.rejects.csv").exists()  # a clean rerun clears it


def test_same_file_twice_changes_nothing_and_records_no_events(
    store: CypherStore, tmp_path: Path
) -> None:
    paths = place(tmp_path)
    first, _ = run(store, *paths)
    assert first.created == 6 and first.rejected == 0
    seq = store.last_event_seq()
    again, _ = run(store, *paths)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert store.events_after(seq) == []
    write_csv(
        paths[1],
        [["building_id", "name", "grid_id"], ["B1", "幸福里一栋", "G2"], ["B2", "幸福里2栋", "G2"]],
    )
    changed, _ = run(store, paths[1])
    assert (changed.updated, changed.unchanged) == (1, 1)
    [revision] = store.revisions(NodeRef(Label.BUILDING, "B1"))
    assert revision.old == {"name": "幸福里1栋"} and revision.source == "buildings.csv"
    [event] = store.events_after(seq)
    assert event.fields == ["name"]


def test_a_relationship_file_twice_changes_nothing_and_a_changed_value_updates(
    store: CypherStore, tmp_path: Path
) -> None:
    """Relationships between stored nodes: created once, then found unchanged by their
    digest (no events), then updated with the field that changed."""
    paths = place(tmp_path)
    run(store, *paths)
    header = ["from_id", "type", "to_id", "role", "distance_m"]
    rows = [header, ["B1", "ADJACENT_TO", "B2", "", "35"], ["B2", "ADJACENT_TO", "B1", "", "35"]]
    edges = write_csv(tmp_path / "edges.csv", rows)
    seq = store.last_event_seq()
    first, _ = run(store, edges)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    [created] = store.events_after(seq)
    assert created.kind == "edge_created" and len(created.entity_ids) == 4
    seq = store.last_event_seq()
    again, _ = run(store, edges)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert store.events_after(seq) == []
    rows[1][4] = "40"
    changed, _ = run(store, write_csv(tmp_path / "edges.csv", rows))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    [event] = store.events_after(seq)
    assert (event.kind, event.entity_ids, event.fields) == (
        "edge_updated",
        ["Building:B1", "Building:B2"],
        ["distance_m"],
    )


def test_one_person_from_two_sources_becomes_one_resident(
    store: CypherStore, tmp_path: Path
) -> None:
    paths = place(tmp_path)
    number = id_number("19500505", "111")
    police = write_csv(
        tmp_path / "population.csv",
        [
            ["resident_id", "name", "gender", "birth_date", "id_number", "phone", "household_id"],
            ["R1", "张伟", "male", "1950-05-05", number, "13800000001", "H1"],
        ],
    )
    # The street office's sheet has no id column, an older phone, and the same ID number.
    rows = [
        ["姓名", "身份证号", "手机号", "人员类别"],
        ["张伟", number, "13900000002", "独居老人"],
        ["张伟", number, "13900000003", "独居老人"],  # a duplicate row in the same sheet
    ]
    write_xlsx(tmp_path / "街道台账.xlsx", {"人员": rows})
    # A third source without an ID number: the same name, birth date and phone.
    care = tmp_path / "care.jsonl"
    care.write_text(
        json.dumps(
            {
                "name": "张伟",
                "gender": "男",
                "birth_date": "1950/5/5",
                "phone": "13900000003",
                "tags": ["残疾"],
            },
            ensure_ascii=False,
        )
        + "\n"
        + "not json\n",
        encoding="utf-8",
    )
    summary, _ = run(store, *paths, police, tmp_path / "街道台账.xlsx", care, kind=None)
    everyone = store.list_nodes(Label.RESIDENT, first=10).records
    assert [(r.id, r.props.get("phone")) for r in everyone] == [("R1", "13900000003")]
    assert summary.rejected == 1  # the line that is not JSON
    resident = store.get_nodes([NodeRef(Label.RESIDENT, "R1")])[NodeRef(Label.RESIDENT, "R1")]
    assert resident.props["phone"] == "13900000003"  # the newest wins
    assert resident.props["tags"] == ["disabled"]
    assert resident.props["prov_sources"] == ["population.csv", "街道台账.xlsx", "care.jsonl"]
    old = [r.old for r in store.revisions(NodeRef(Label.RESIDENT, "R1"))]
    assert any(o.get("phone") == "13800000001" for o in old)
    assert any(o.get("phone") == "13900000002" for o in old)
    members = store.related(
        [NodeRef(Label.HOUSEHOLD, "H1")],
        "MEMBER_OF",
        "in",
        Label.RESIDENT,  # type: ignore[arg-type]
    )[NodeRef(Label.HOUSEHOLD, "H1")]
    assert [i.node.id for i in members.items] == ["R1"]
    bad = rejects(tmp_path / "care.rejects.csv")
    assert bad[0]["raw"] == "not json" and bad[0]["reason"].startswith("line: not valid JSON")


def test_dry_run_validates_and_writes_nothing(store: CypherStore, tmp_path: Path) -> None:
    paths = place(tmp_path)
    summary, _ = run(store, *paths, dry_run=True)
    assert (summary.read, summary.accepted, summary.rejected) == (6, 6, 0)
    assert sum(store.count_nodes().values()) == 0
    assert not (tmp_path / ".civicgraph-ingest").exists()


def test_mapping_file_and_kind_from_headers(store: CypherStore, tmp_path: Path) -> None:
    place_paths = place(tmp_path)
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "headers:\n  机构全称: name\n  机构代码: org_id\n"
        "values:\n  kind:\n    物业公司: property_management\n",
        encoding="utf-8",
    )
    orgs = write_csv(
        tmp_path / "export_0923.csv",
        [
            ["机构代码", "机构全称", "类型"],
            ["O1", "幸福物业", "物业公司"],
            ["O2", "某店", "便利店"],
        ],
    )
    summary, job = run(store, *place_paths, orgs, mapping=Mapping.load(mapping))
    assert [r.kind for r in job.reports][-1] == "organisations"
    assert summary.rejected == 1
    [reason] = rejects(tmp_path / "export_0923.rejects.csv")
    assert reason["机构代码"] == "O2" and reason["reason"].startswith("kind (类型):")
    assert (
        store.get_nodes([NodeRef(Label.ORGANISATION, "O1")])[
            NodeRef(Label.ORGANISATION, "O1")
        ].props["kind"]
        == "property_management"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("headers:\n  某列: not_a_column\n", "headers.某列: unknown column 'not_a_column'"),
        ("headers: [姓名, 性别]\n", "headers: expected a map"),
        ("values: 男\n", "values: expected a map"),
        ("values:\n  性别: {男: male}\n", "values.性别: unknown column"),
        ("values:\n  gender: [男]\n", "values.gender: expected a map"),
        ("kind: people\n", "kind: 'people' is not one of grids"),
        ("colums: {}\n", "expected the keys kind, headers and values"),
        ("headers: {a: [\n", "cannot read it"),
    ],
)
def test_a_bad_mapping_file_names_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(problem)):
        Mapping.load(mapping)


def test_killed_job_resumes_without_duplicates(tmp_path: Path) -> None:
    """kill -9 of `civicgraph ingest` mid-file, then --resume: every row once, rejects once."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from civicgraph.settings import Settings
    from civicgraph.wiring import open_store

    folder = tmp_path / "community"
    env = {
        **os.environ,
        "CIVICGRAPH_DATA_DIR": str(tmp_path / "data"),
        "CIVICGRAPH_BATCH_SIZE": "200",
    }
    cli = [sys.executable, "-m", "civicgraph"]
    subprocess.run(
        [*cli, "demo", "generate", "--out", str(folder), "--residents", "6000"],
        env=env,
        check=True,
        capture_output=True,
    )
    residents = folder / "residents.csv"
    lines = residents.read_text(encoding="utf-8").splitlines()
    lines.insert(3000, lines[3000].replace(",male,", ",unknown,").replace(",female,", ",unknown,"))
    residents.write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths = [str(folder / f"{k}.csv") for k in ("grids", "buildings", "households", "residents")]
    state_dir = tmp_path / "rejects" / ".civicgraph-ingest"
    job = subprocess.Popen(
        [*cli, "ingest", *paths, "--rejects", str(tmp_path / "rejects"), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        states = list(state_dir.glob("*.json")) if state_dir.exists() else []
        if states:
            saved = json.loads(states[0].read_text(encoding="utf-8"))
            if saved["tables"][3]["next_row"] > 3500:
                break
        time.sleep(0.05)
    else:
        job.kill()
        pytest.fail("the job never reached the middle of residents.csv")
    job.send_signal(signal.SIGKILL)
    job.wait()
    resumed = subprocess.run(
        [*cli, "ingest", *paths, "--rejects", str(tmp_path / "rejects"), "--resume", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    body = json.loads(resumed.stdout)
    table = body["tables"][3]
    assert table["resumed_after"] > 3000
    assert (table["read"], table["accepted"], table["rejected"]) == (6001, 6000, 1)
    reject_rows = rejects(tmp_path / "rejects" / "residents.rejects.csv")
    assert len(reject_rows) == 1 and reject_rows[0]["reason"].startswith("gender:")
    assert not state_dir.exists()
    opened = open_store(Settings(data_dir=tmp_path / "data"))
    try:
        assert opened.store.count_nodes()[Label.RESIDENT] == 6000
        created = [
            entity
            for e in opened.store.events_after(0, 100_000)
            if e.kind == "node_created" and e.label == "Resident"
            for entity in e.entity_ids
        ]
        assert len(created) == len(set(created)) == 6000  # each resident's creation once
    finally:
        opened.close()


class SimulatedCrashError(Exception):
    """Stands for the process dying between two commits."""


def run_until_crash(
    store: CypherStore, path: Path, out: Path, step: str, crash_at: Callable[..., bool]
) -> None:
    """Run a job (batches of 5 rows) whose `step` method dies where `crash_at(*args)` says."""
    store.batch_size = 5
    job = IngestJob(store, JobOptions(rejects_dir=out))
    original = getattr(job, step)

    def step_or_crash(*args: Any) -> None:
        if crash_at(*args):
            raise SimulatedCrashError
        original(*args)

    setattr(job, step, step_or_crash)
    with pytest.raises(SimulatedCrashError):
        job.run([path])


def test_interrupted_retry_of_waiting_rows_resumes_without_loss(
    store: CypherStore, tmp_path: Path
) -> None:
    """Rows that wait for rows of later batches are retried pass after pass over the spill
    file; an interruption mid-retry loses none of them and resume loads each exactly once."""
    chain = [["grid_id", "name", "level", "parent_id"]]
    chain += [[f"G{i}", f"网格{i}", "grid", f"G{i + 1}"] for i in range(1, 30)]
    chain += [["G30", "社区", "community", ""], ["G31", "孤立网格", "grid", "G99"]]
    grids = write_csv(tmp_path / "grids.csv", chain)
    retry_writes = 0

    def second_retry_write(items: list[Any]) -> bool:
        nonlocal retry_writes
        if items and all(item.row < 26 for item in items):  # rows of the retry passes
            retry_writes += 1
        return retry_writes == 2

    run_until_crash(store, grids, tmp_path / "out", "_send", second_retry_write)
    assert 0 < store.count_nodes().get(Label.GRID, 0) < 30

    summary, _ = run(store, grids, rejects_dir=tmp_path / "out", resume=True)
    assert store.count_nodes()[Label.GRID] == 30
    reasons = rejects(tmp_path / "out" / "grids.rejects.csv")
    assert [(r["grid_id"], r["reason"][:35]) for r in reasons] == [
        ("G31", "parent_id: unknown reference Grid:G")
    ]
    assert (summary.read, summary.accepted, summary.rejected) == (31, 30, 1)
    created = [e for e in store.events_after(0, 1000) if e.kind == "node_created"]
    assert sorted(i for e in created for i in e.entity_ids) == sorted(
        f"Grid:G{i}" for i in range(1, 31)
    )
    assert not (tmp_path / "out" / ".civicgraph-ingest").exists()


def test_crash_while_writes_are_in_flight_resumes_without_loss(
    store: CypherStore, tmp_path: Path
) -> None:
    """The job reads the next batch while the store runs the writes of the one before; a
    crash before those writes are acknowledged (with a reject of the next batch already
    read) resumes from the last acknowledged batch: every grid once, the reject once."""
    rows = [["grid_id", "name", "level", "parent_id"], ["G0", "社区", "community", ""]]
    rows += [[f"G{i}", f"网格{i}", "grid", "G0"] for i in range(1, 20)]
    rows.insert(13, ["G99", "坏网格", "bogus", "G0"])  # read in the third batch
    grids = write_csv(tmp_path / "grids.csv", rows)
    calls = 0

    def third_settle(state: object) -> bool:
        nonlocal calls
        calls += 1
        return calls == 3  # the second batch's writes were sent, the third batch was read

    run_until_crash(store, grids, tmp_path / "out", "_settle", third_settle)
    assert not (tmp_path / "out" / "grids.rejects.csv").exists()

    summary, resumed = run(store, grids, rejects_dir=tmp_path / "out", resume=True)
    assert resumed.reports[0].resumed_after == 5
    assert (summary.read, summary.accepted, summary.rejected) == (21, 20, 1)
    assert [r["grid_id"] for r in rejects(tmp_path / "out" / "grids.rejects.csv")] == ["G99"]
    assert store.count_nodes()[Label.GRID] == 20
    created = [e for e in store.events_after(0, 1000) if e.kind == "node_created"]
    assert sorted(i for e in created for i in e.entity_ids) == sorted(
        f"Grid:G{i}" for i in range(20)
    )


def test_residents_without_household_ids_are_grouped_by_dwelling(
    store: CypherStore, tmp_path: Path
) -> None:
    """A population export with 楼栋/单元/房号 instead of 户号: housemates share a household
    keyed by the dwelling, which lives in its building; a second load changes nothing."""
    grids, buildings, _ = place(tmp_path)
    residents = write_csv(
        tmp_path / "人口信息.csv",
        [
            ["姓名", "公民身份号码", "楼栋", "单元", "房号", "与户主关系"],
            ["钱伟", id_number("19600101", "011"), "B1", "1", "302", "户主"],
            ["钱芳", id_number("19620202", "022"), "B1", "1", "302", "配偶"],
            ["吴磊", id_number("19700303", "031"), "B2", "2", "302", "户主"],
            ["郑爽", id_number("19800404", "042"), "B1", "", "", "户主"],
            ["冯刚", id_number("19900505", "051"), "B7", "1", "101", "户主"],
        ],
    )
    _, job = run(store, grids, buildings, residents, rejects_dir=tmp_path / "out")
    report = job.reports[-1]
    assert report.ignored_columns == []
    assert (report.summary.accepted, report.summary.rejected) == (3, 2)
    assert store.count_nodes()[Label.HOUSEHOLD] == 2
    reasons = {r["姓名"]: r["reason"] for r in rejects(tmp_path / "out" / "人口信息.rejects.csv")}
    assert reasons["郑爽"].startswith("room (房号): missing")
    assert reasons["冯刚"].startswith("building_id (楼栋): unknown reference Building:B7")
    home = NodeRef(Label.HOUSEHOLD, natural_id("H", "B1", "1", "302"))
    members = store.neighbours([home], direction=Direction.IN, types=[EdgeType.MEMBER_OF])
    names = sorted(n.node.props["name"] for n in members[home])
    assert names == ["钱伟", "钱芳"]
    dwelling = store.neighbours([home], direction=Direction.OUT, types=[EdgeType.RESIDES_IN])
    assert [(n.node.id, n.edge.props["unit"], n.edge.props["room"]) for n in dwelling[home]] == [
        ("B1", "1", "302")
    ]
    events = len(store.events_after(0, 1000))
    again, _ = run(store, grids, buildings, residents, rejects_dir=tmp_path / "out")
    assert (again.created, again.updated, again.rejected) == (0, 0, 2)
    assert len(store.events_after(0, 1000)) == events


def test_a_merged_residents_source_id_still_finds_the_resident(
    store: CypherStore, tmp_path: Path
) -> None:
    """The care system calls 张伟 C-77; resolution stores him as R1, and the care system's
    petitions that name C-77 (in this job and in a later one) are linked to R1."""
    paths = place(tmp_path)
    number = id_number("19500505", "111")
    population = write_csv(
        tmp_path / "population.csv",
        [
            ["resident_id", "name", "birth_date", "id_number", "household_id"],
            ["R1", "张伟", "1950-05-05", number, "H1"],
        ],
    )
    care = write_csv(
        tmp_path / "care_residents.csv",
        [["resident_id", "name", "id_number", "phone"], ["C-77", "张伟", number, "13900000003"]],
    )
    petitions = write_csv(
        tmp_path / "care_petitions.csv",
        [
            ["petition_id", "text", "channel", "submitted_at", "resident_id"],
            ["P1", "楼道灯坏了", "hotline_12345", "2026-01-05T08:00:00", "C-77"],
            ["P2", "无人认领", "hotline_12345", "2026-01-06T08:00:00", "C-99"],
        ],
    )
    summary, _ = run(store, *paths, population, care, petitions, rejects_dir=tmp_path / "out")
    assert summary.rejected == 1
    later = write_csv(
        tmp_path / "more_petitions.csv",
        [
            ["petition_id", "text", "channel", "submitted_at", "resident_id"],
            ["P3", "电梯异响", "app", "2026-02-01T09:00:00", "C-77"],
        ],
    )
    run(store, later, rejects_dir=tmp_path / "out")
    assert store.count_nodes()[Label.RESIDENT] == 1
    resident = NodeRef(Label.RESIDENT, "R1")
    submitted = store.neighbours([resident], types=[EdgeType.SUBMITTED_BY], direction=Direction.IN)
    assert sorted(n.node.id for n in submitted[resident]) == ["P1", "P3"]
    reasons = rejects(tmp_path / "out" / "care_petitions.rejects.csv")
    assert [r["petition_id"] for r in reasons] == ["P2"]
    assert reasons[0]["reason"].startswith("resident_id: unknown reference Resident:C-99")

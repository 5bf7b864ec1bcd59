"""Real export layouts through the ingest job, on both engines: encodings, Chinese headers and
values, title and totals rows, full-width digits, delimiters, Excel 97, JSON arrays, control
characters, skipped sheets, hotline and message-board petitions; rejects with reasons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.model import Label
from graph.port import GraphStore
from graph.records import NodeRef
from ingest.mapping.rows import natural_id
from tests.ingest.helpers import (
    CHINESE_HEADERS,
    id_number,
    place,
    rejects,
    run,
    write_csv,
    write_xlsx,
)


def test_gbk_csv_with_chinese_headers_and_values_loads_with_reasons_for_bad_rows(
    store: GraphStore, tmp_path: Path
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
    store: GraphStore, tmp_path: Path
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
    store: GraphStore, tmp_path: Path
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
    store: GraphStore, tmp_path: Path
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
    store: GraphStore, tmp_path: Path, delimiter: str
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
    store: GraphStore, tmp_path: Path
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


def test_a_json_array_file_loads_its_elements_as_rows(store: GraphStore, tmp_path: Path) -> None:
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
    store: GraphStore, tmp_path: Path
) -> None:
    grids = tmp_path / "grids.csv"
    grids.write_bytes(b"grid_id,name,level\nG1,a\x00b,grid\nG2,ok,grid\n")
    summary, _ = run(store, grids, rejects_dir=tmp_path / "out")
    assert (summary.accepted, summary.rejected) == (1, 1)
    [reject] = rejects(tmp_path / "out" / "grids.rejects.csv")
    assert reject["reason"] == "name: contains the control character U+0000"
    assert store.count_nodes()[Label.GRID] == 1


def test_a_workbook_sheet_without_known_headers_is_skipped_and_reported(
    store: GraphStore, tmp_path: Path
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
    store: GraphStore, tmp_path: Path
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

"""Entity resolution in ingest, on both engines: one household per flat whoever created it,
one resident per ID number, and what a row leaves unstated."""

from __future__ import annotations

from pathlib import Path

from graph.model import EdgeType, Label
from graph.port import GraphStore
from graph.records import Direction, NodeRef
from ingest.mapping.rows import natural_id
from tests.factories import PROV, building, edge, household
from tests.ingest.helpers import id_number, place, rejects, run, write_csv


def test_a_flat_keeps_the_household_stored_there_whoever_created_it(
    store: GraphStore, tmp_path: Path
) -> None:
    """The API (or another export) stored household H0000188 at B000002 unit 1 room 101; a
    population export without 户号 names that flat: its people join H0000188."""
    store.upsert_nodes([building(2, "和平花园2栋"), household(188)], PROV)
    store.upsert_edges(
        [edge("RESIDES_IN", "Household:H0000188", "Building:B000002", unit="1", room="101")],
        PROV,
    )
    residents = write_csv(
        tmp_path / "人口信息.csv",
        [
            ["姓名", "公民身份号码", "楼栋", "单元", "房号", "与户主关系"],
            ["钱伟", id_number("19600101", "011"), "B000002", "1", "101", "户主"],
            ["钱芳", id_number("19620202", "022"), "B000002", "1", "101", "配偶"],
            ["吴磊", id_number("19700303", "031"), "B000002", "1", "102", "户主"],
        ],
    )
    households = write_csv(
        tmp_path / "households.csv",
        [["building_id", "unit", "room", "tenure"], ["B000002", "1", "101", "rented"]],
    )
    summary, _ = run(store, residents, households, rejects_dir=tmp_path / "out")
    assert summary.rejected == 0
    assert store.count_nodes()[Label.HOUSEHOLD] == 2  # H0000188 and the new flat 102
    home = NodeRef(Label.HOUSEHOLD, "H0000188")
    members = store.neighbours([home], direction=Direction.IN, types=[EdgeType.MEMBER_OF])
    assert sorted(n.node.props["name"] for n in members[home]) == ["钱伟", "钱芳"]
    assert store.get_nodes([home])[home].props["tenure"] == "rented"
    again, _ = run(store, residents, households, rejects_dir=tmp_path / "out")
    assert (again.created, again.updated) == (0, 0)


def test_one_id_number_in_two_rows_of_a_file_is_one_resident(
    store: GraphStore, tmp_path: Path
) -> None:
    paths = place(tmp_path)
    number = id_number("19900101", "123")
    residents = write_csv(
        tmp_path / "residents.csv",
        [
            ["resident_id", "name", "id_number", "household_id"],
            ["R90000001", "张伟", number, "H1"],
            ["R90000003", "张伟", number, "H1"],
        ],
    )
    summary, _ = run(store, *paths, residents, rejects_dir=tmp_path / "out")
    assert summary.rejected == 0
    assert store.count_nodes()[Label.RESIDENT] == 1
    assert store.residents_by_id_number([number]) == {number: "R90000001"}


def test_an_unstated_gender_is_read_from_the_id_number_or_left_unstated(
    store: GraphStore, tmp_path: Path
) -> None:
    paths = place(tmp_path)
    residents = write_csv(
        tmp_path / "居民.csv",
        [
            ["姓名", "性别", "出生日期", "公民身份号码", "联系电话", "户号"],
            ["赵一", "未知", "", id_number("19800101", "013"), "", "H1"],
            ["钱三", "未知", "1980-01-01", "", "13900000001", "H1"],
            ["孙四", "女", "1981-01-01", id_number("19800101", "015"), "", "H2"],
        ],
    )
    _, job = run(store, *paths, residents, rejects_dir=tmp_path / "out")
    summary = job.reports[-1].summary
    assert (summary.accepted, summary.rejected) == (2, 1)
    genders = {
        p.props["name"]: p.props.get("gender")
        for p in store.list_nodes(Label.RESIDENT, first=10).records
    }
    assert genders == {"赵一": "male", "钱三": None}
    reason = rejects(tmp_path / "out" / "居民.rejects.csv")[0]["reason"]
    # Both disagreements with the ID number are named, each with its header.
    assert "birth_date (出生日期): does not match" in reason
    assert "gender (性别): does not match" in reason


def test_residents_without_household_ids_are_grouped_by_dwelling(
    store: GraphStore, tmp_path: Path
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
    store: GraphStore, tmp_path: Path
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

"""Entity resolution in ingest, on both engines: one household per flat whoever created it,
one resident per ID number, and what a row leaves unstated."""

from __future__ import annotations

from pathlib import Path

from graph.cypher_store import CypherStore
from graph.model import EdgeType, Label
from graph.store import Direction, NodeRef
from tests.factories import PROV, building, edge, household
from tests.ingest.test_ingest_job import id_number, place, rejects, run, write_csv


def test_a_flat_keeps_the_household_stored_there_whoever_created_it(
    store: CypherStore, tmp_path: Path
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
    store: CypherStore, tmp_path: Path
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
    store: CypherStore, tmp_path: Path
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

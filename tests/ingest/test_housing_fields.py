"""A building's lift and a household's floor, from a housing export with Chinese headers and
values (有/无, 是/否, full-width digits), on both engines; a bad cell rejects its row only."""

from __future__ import annotations

from pathlib import Path

from graph.model import Label
from graph.port import GraphStore
from graph.records import NodeRef
from tests.ingest.helpers import rejects, run, write_csv


def test_lifts_and_floors_load_from_chinese_headers_and_values(
    store: GraphStore, tmp_path: Path
) -> None:
    grids = write_csv(tmp_path / "grids.csv", [["grid_id", "name"], ["G1", "幸福社区第一网格"]])
    buildings = write_csv(
        tmp_path / "楼栋.csv",
        [
            ["楼栋编号", "楼栋名称", "所属网格", "层数", "有无电梯"],
            ["B1", "幸福里1栋", "G1", "18", "有"],
            ["B2", "幸福里2栋", "G1", "6", "无"],
            ["B3", "幸福里3栋", "G1", "6", "是"],
            ["B4", "幸福里4栋", "G1", "5", ""],
            ["B5", "幸福里5栋", "G1", "7", "也许"],
        ],
    )
    households = write_csv(
        tmp_path / "住户.csv",
        [
            ["户号", "楼栋", "单元", "房号", "所在楼层", "居住方式"],
            ["H1", "B1", "1", "1203", "１２", "自住"],
            ["H2", "B2", "2", "101", "1", "租赁"],
            ["H3", "B2", "2", "201", "二楼", "租赁"],
            ["H4", "B4", "1", "-102", "-1", "自住"],
        ],
    )
    summary, _ = run(store, grids, buildings, households, rejects_dir=tmp_path / "out")
    assert (summary.accepted, summary.rejected) == (8, 2)
    found = store.get_nodes([NodeRef(Label.BUILDING, f"B{n}") for n in range(1, 6)])
    lifts = {ref.id: record.props.get("has_elevator") for ref, record in found.items()}
    assert lifts == {"B1": True, "B2": False, "B3": True, "B4": None}
    [bad_building] = rejects(tmp_path / "out" / "楼栋.rejects.csv")
    assert bad_building["reason"].startswith("has_elevator (有无电梯):")
    homes = store.get_nodes([NodeRef(Label.HOUSEHOLD, h) for h in ("H1", "H2", "H3", "H4")])
    floors = {ref.id: record.props.get("floor") for ref, record in homes.items()}
    assert floors == {"H1": 12, "H2": 1, "H4": -1}
    [bad_household] = rejects(tmp_path / "out" / "住户.rejects.csv")
    assert bad_household["reason"].startswith("floor (所在楼层):")

"""Ingest jobs on both engines: references across files, idempotency, resident resolution
across sources, dry run, mapping files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graph.model import Label
from graph.port import GraphStore
from graph.records import NodeRef
from ingest.mapping.shaping import Mapping
from tests.ingest.helpers import (
    id_number,
    place,
    rejects,
    run,
    write_csv,
    write_xlsx,
)


def test_bom_csv_and_reference_that_arrives_later_in_the_job(
    store: GraphStore, tmp_path: Path
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
    store: GraphStore, tmp_path: Path
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
    store: GraphStore, tmp_path: Path
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
    store: GraphStore, tmp_path: Path
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


def test_dry_run_validates_and_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    paths = place(tmp_path)
    summary, _ = run(store, *paths, dry_run=True)
    assert (summary.read, summary.accepted, summary.rejected) == (6, 6, 0)
    assert sum(store.count_nodes().values()) == 0
    assert not (tmp_path / ".civicgraph-ingest").exists()


def test_mapping_file_and_kind_from_headers(store: GraphStore, tmp_path: Path) -> None:
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

"""Loading a generated community into each engine: counts match, a reload changes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.cypher_store import CypherStore
from graph.model import EdgeType, Label
from ingest.errors import RowError
from ingest.generator.community import generate
from ingest.loader import load_directory
from tests.factories import PROV, ref


@pytest.fixture(scope="module")
def small_community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate(out, 600, seed=3)
    return out


def count_rows(folder: Path, kind: str) -> int:
    with open(folder / f"{kind}.csv", encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def test_a_generated_community_loads_and_reloads_idempotently(
    store: CypherStore, small_community: Path
) -> None:
    results = load_directory(store, small_community, PROV)
    counts = store.count_nodes()
    for kind, label in (
        ("residents", Label.RESIDENT),
        ("households", Label.HOUSEHOLD),
        ("buildings", Label.BUILDING),
        ("grids", Label.GRID),
        ("devices", Label.DEVICE),
        ("incidents", Label.INCIDENT),
        ("petitions", Label.PETITION),
        ("organisations", Label.ORGANISATION),
    ):
        assert counts[label] == count_rows(small_community, kind), kind
    assert results["residents"].edges.created == count_rows(small_community, "residents")
    assert results["edges"].edges.created == count_rows(small_community, "edges")
    events = len(store.events_after(0, 100_000))
    again = load_directory(store, small_community, PROV)
    assert all(r.nodes.created == r.nodes.updated == 0 for r in again.values())
    assert all(r.edges.created == r.edges.updated == 0 for r in again.values())
    assert len(store.events_after(0, 100_000)) == events
    with open(small_community / "residents.csv", encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    members = store.neighbours([ref(f"Resident:{first['resident_id']}")], [EdgeType.MEMBER_OF])
    assert [n.node.id for n in members[ref(f"Resident:{first['resident_id']}")]] == [
        first["household_id"]
    ]


def test_a_bad_row_is_reported_with_file_line_and_field(store: CypherStore, tmp_path: Path) -> None:
    (tmp_path / "grids.csv").write_text(
        "grid_id,name,level,parent_id\nG1,一网格,grid,\nG2,二网格,planet,\n", encoding="utf-8"
    )
    with pytest.raises(RowError, match=r"grids.csv:3: level: Input should be"):
        load_directory(store, tmp_path, PROV)

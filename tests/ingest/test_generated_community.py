"""Loading a generated community through the ingest job (the demo's path) into each engine:
counts match, nothing is rejected, a reload changes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.model import EdgeType, Label
from graph.port import GraphStore
from ingest.generator.community import generate
from ingest.job.run import load_folder
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
    store: GraphStore, small_community: Path
) -> None:
    summary, job = load_folder(store, small_community, PROV.source, PROV.actor)
    assert summary.rejected == 0 and summary.accepted == summary.read
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
    assert [r.kind for r in job.reports][:2] == ["grids", "buildings"]  # reference order
    events = len(store.events_after(0, 100_000))
    again, _ = load_folder(store, small_community, PROV.source, PROV.actor)
    assert (again.created, again.updated) == (0, 0)
    assert len(store.events_after(0, 100_000)) == events
    with open(small_community / "residents.csv", encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    members = store.neighbours([ref(f"Resident:{first['resident_id']}")], [EdgeType.MEMBER_OF])
    assert [n.node.id for n in members[ref(f"Resident:{first['resident_id']}")]] == [
        first["household_id"]
    ]

"""Single-entity writes with optimistic versions, deletes and unlinks, on both engines."""

from __future__ import annotations

import pytest

from graph.cypher.store import CypherStore
from graph.errors import NotFoundError, VersionConflictError
from graph.model import EdgeType, Label
from graph.records import Provenance
from tests.factories import PROV, building, edge, grid, ref


def test_versions_count_changes_and_stale_writes_are_refused(store: CypherStore) -> None:
    record, created = store.upsert_node(building(1, "1栋"), PROV)
    assert created and record.props["version"] == 1
    record, created = store.upsert_node(building(1, "1栋", floors=6), PROV, expected_version=1)
    assert not created and record.props["version"] == 2 and record.props["floors"] == 6
    last = store.last_event_seq()
    with pytest.raises(VersionConflictError) as caught:
        store.upsert_node(building(1, "1栋", floors=7), PROV, expected_version=1)
    assert caught.value.current == 2
    assert store.last_event_seq() == last
    assert store.get_nodes([ref("Building:B000001")])[ref("Building:B000001")].props["floors"] == 6
    same, _ = store.upsert_node(building(1, "1栋", floors=6), PROV, expected_version=2)
    assert same.props["version"] == 2 and store.last_event_seq() == last
    bulk = store.upsert_nodes([building(1, "1栋", floors=9)], PROV)
    assert bulk.updated == 1
    assert store.get_nodes([ref("Building:B000001")])[ref("Building:B000001")].props["version"] == 3
    with pytest.raises(VersionConflictError):
        store.upsert_node(building(2, "2栋"), PROV, expected_version=4)


def test_delete_removes_the_node_its_edges_and_records_it(store: CypherStore) -> None:
    store.upsert_nodes([building(1, "1栋"), grid(1)], PROV)
    store.upsert_edges([edge("IN_GRID", "Building:B000001", "Grid:G00001")], PROV)
    with pytest.raises(VersionConflictError):
        store.delete_node(ref("Building:B000001"), PROV, expected_version=9)
    store.delete_node(ref("Building:B000001"), Provenance("api", "worker-7"), expected_version=1)
    assert store.count_nodes()[Label.BUILDING] == 0
    assert store.neighbours([ref("Grid:G00001")])[ref("Grid:G00001")] == []
    event = store.events_after(0)[-1]
    assert (event.kind, event.entity_ids, event.actor) == (
        "node_deleted",
        ["Building:B000001"],
        "worker-7",
    )
    with pytest.raises(NotFoundError):
        store.delete_node(ref("Building:B000001"), PROV)


def test_unlink_removes_one_relationship_with_an_event(store: CypherStore) -> None:
    store.upsert_nodes([building(1, "1栋"), grid(1)], PROV)
    store.upsert_edges([edge("IN_GRID", "Building:B000001", "Grid:G00001")], PROV)
    assert (
        store.delete_edge(EdgeType.IN_GRID, ref("Building:B000001"), ref("Grid:G00001"), PROV) == 1
    )
    assert store.events_after(0)[-1].kind == "edge_deleted"
    last = store.last_event_seq()
    assert (
        store.delete_edge(EdgeType.IN_GRID, ref("Building:B000001"), ref("Grid:G00001"), PROV) == 0
    )
    assert store.last_event_seq() == last

"""What a relay reads to describe change events, on both engines: a node's values at each
version (from the node or its Revision snapshots, also once deleted), the grids an entity is
placed in with the grids above, relationship properties, and pruning relayed events."""

from __future__ import annotations

from graph.cypher.store import CypherStore
from graph.model import EdgeType
from tests.factories import PROV, building, edge, grid, ref

B1 = ref("Building:B000001")


def test_values_at_every_version_survive_updates_and_deletion(store: CypherStore) -> None:
    store.upsert_node(building(1, "1栋", floors=5), PROV)
    store.upsert_node(building(1, "1栋", floors=6), PROV, expected_version=1)
    store.upsert_nodes([building(1, "1栋", floors=9)], PROV)  # a bulk update: version 3
    events = [e for e in store.events_after(0, 100) if e.entity_ids == [str(B1)]]
    assert [(e.kind, e.version) for e in events] == [
        ("node_created", 1),
        ("node_updated", 2),
        ("node_updated", 3),
    ]
    values = store.values_at([(B1, 1), (B1, 2), (B1, 3)])
    assert [values[B1, v]["floors"] for v in (1, 2, 3)] == [5, 6, 9]
    assert not any(k.startswith("rev_") for k in values[B1, 1])
    store.delete_node(B1, PROV)
    deleted = store.events_after(0, 100)[-1]
    assert (deleted.kind, deleted.version) == ("node_deleted", 3)
    values = store.values_at([(B1, 1), (B1, 3)])
    assert (values[B1, 1]["floors"], values[B1, 3]["floors"]) == (5, 9)
    assert store.values_at([(B1, 4)]) == {}


def test_grids_of_entities_and_of_a_deleted_one(store: CypherStore) -> None:
    store.upsert_nodes([grid(1), grid(2), building(1, "1栋")], PROV)
    store.upsert_edges(
        [
            edge("PART_OF", "Grid:G00002", "Grid:G00001"),
            edge("IN_GRID", "Building:B000001", "Grid:G00002"),
        ],
        PROV,
    )
    grids = store.grids_of([B1, ref("Grid:G00002"), ref("Grid:G00001")])
    assert grids == {
        B1: ["G00001", "G00002"],
        ref("Grid:G00002"): ["G00001", "G00002"],
        ref("Grid:G00001"): ["G00001"],
    }
    store.delete_node(B1, PROV)
    assert store.events_after(0, 100)[-1].grid_ids == ["G00002"]
    assert B1 not in store.grids_of([B1])


def test_edge_values_and_pruning(store: CypherStore) -> None:
    store.upsert_nodes([grid(1), building(1, "1栋")], PROV)
    store.upsert_edges([edge("IN_GRID", "Building:B000001", "Grid:G00001")], PROV)
    key = (EdgeType.IN_GRID, B1, ref("Grid:G00001"))
    missing = (EdgeType.IN_GRID, ref("Building:B000002"), ref("Grid:G00001"))
    found = store.edge_values([key, missing])
    assert list(found) == [key] and found[key]["prov_actor"] == "pytest"
    last = store.last_event_seq()
    recorded = len(store.events_after(0, 100))
    assert store.prune_events(last - 1) == recorded - 1
    assert [e.seq for e in store.events_after(0, 100)] == [last]
    assert store.last_event_seq() == last

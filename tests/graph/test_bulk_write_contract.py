"""The store contract for bulk and concurrent writes, on real FalkorDB and real Neo4j:
pipelined writes, the split of new, changed and unchanged rows, plain creates and their
fall-back to upserts, their events, and concurrent writers."""

from __future__ import annotations

import threading

import pytest

from graph.cypher.store import CypherStore
from graph.errors import InvalidInputError
from graph.model import EdgeType, Label
from graph.records import Direction, Provenance, WriteResult
from graph.write_rows import edge_write_row, node_write_row
from tests.factories import PROV, building, edge, grid, household, ref, resident


def test_another_threads_reads_beside_pipelined_writes_take_none_of_their_replies(
    store: CypherStore,
) -> None:
    """A relay reading while a bulk load pipelines its writes in another thread (the demo
    load at API start-up): each thread gets its own replies, none is lost or taken."""
    store.batch_size = 20
    rows = [node_write_row(building(n, f"{n}栋")) for n in range(1, 401)]
    failures: list[BaseException] = []
    done = threading.Event()

    def read_meanwhile() -> None:
        try:
            while not done.is_set():
                store.last_event_seq()
                store.existing_ids(Label.BUILDING, ["B000001"])
        except BaseException as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)

    reader = threading.Thread(target=read_meanwhile)
    reader.start()
    try:
        new, _, _ = store.split_node_rows(Label.BUILDING, rows, "bulk")
        assert store.submit_new_node_rows(Label.BUILDING, new, PROV)().created == 400
    finally:
        done.set()
        reader.join(30)
    assert failures == []
    assert store.count_nodes()[Label.BUILDING] == 400


def test_pipelined_writes_are_seen_by_reads_and_a_refused_one_fails_alone(
    store: CypherStore,
) -> None:
    """Writes sent ahead of their replies (ingest jobs): a read sees them; a write the engine
    refuses raises when awaited, and the writes sent around it still apply."""
    first = store.submit_node_rows(Label.GRID, [node_write_row(grid(1, "一"))], PROV)
    assert store.existing_ids(Label.GRID, ["G00001"]) == {"G00001"}
    refusals: list[InvalidInputError] = []
    try:  # Neo4j may refuse a plain CREATE as it arrives; FalkorDB answers after it ran
        refused = store.session.send_write("CREATE (:Grid {id: 'G00001'})", {})
    except InvalidInputError as exc:
        refusals.append(exc)
    later = store.submit_node_rows(Label.GRID, [node_write_row(grid(2, "二"))], PROV)
    assert later().created == 1
    if not refusals:
        with pytest.raises(InvalidInputError) as caught:
            refused()
        refusals.append(caught.value)
    assert [str(e)[:4] for e in refusals] == ["id: "]
    assert first().created == 1
    assert store.count_nodes()[Label.GRID] == 2
    assert [e.entity_ids for e in store.events_after(0, 100)] == [["Grid:G00001"], ["Grid:G00002"]]


def test_a_bulk_split_tells_new_changed_and_unchanged_rows(store: CypherStore) -> None:
    store.upsert_nodes([resident(1, "张伟"), resident(2, "李娜")], PROV)
    rows = [
        node_write_row(resident(1, "张伟")),  # as stored, by the same source
        node_write_row(resident(2, "李静")),  # a changed name
        node_write_row(resident(3, "王芳")),  # not stored
    ]
    new, changed, unchanged = store.split_node_rows(Label.RESIDENT, rows, PROV.source)
    assert ([r["id"] for r in new], [r["id"] for r in changed], unchanged) == (
        ["R00000003"],
        ["R00000002"],
        1,
    )
    # The same row from another source is a change: that source is listed on the node.
    _, changed, unchanged = store.split_node_rows(Label.RESIDENT, rows[:1], "other.csv")
    assert (len(changed), unchanged) == (1, 0)


def test_a_bulk_split_tells_new_changed_and_unchanged_relationships(
    store: CypherStore,
) -> None:
    store.upsert_nodes([resident(n) for n in (1, 2, 3)] + [household(1)], PROV)
    store.upsert_edges(
        [
            edge("MEMBER_OF", "Resident:R00000001", "Household:H0000001", role="head"),
            edge("MEMBER_OF", "Resident:R00000002", "Household:H0000001", role="spouse"),
        ],
        PROV,
    )
    members = [
        edge("MEMBER_OF", "Resident:R00000001", "Household:H0000001", role="head"),  # as stored
        edge("MEMBER_OF", "Resident:R00000002", "Household:H0000001", role="child"),  # changed
        edge("MEMBER_OF", "Resident:R00000003", "Household:H0000001", role="child"),  # new
    ]
    group = edge_write_row(members[0])[0]
    new, changed, unchanged = store.split_edge_rows(group, [edge_write_row(e)[1] for e in members])
    assert ([r["source"] for r in new], [r["source"] for r in changed], unchanged) == (
        ["R00000003"],
        ["R00000002"],
        1,
    )
    # Found new by the read, the relationship is created plainly, with its batch's event.
    before = store.last_event_seq()
    assert store.submit_new_edge_rows(group, new, PROV)().created == 1
    [event] = store.events_after(before)
    assert event.entity_ids == ["Resident:R00000003", "Household:H0000001"]


def test_a_bulk_create_records_one_event_listing_what_it_created(store: CypherStore) -> None:
    """A batch of creates is one event: every node (or relationship's two ends) it created,
    in row order, and the properties its rows set; a value left out sets no property."""
    store.upsert_nodes([household(1)], PROV)
    before = store.last_event_seq()
    people = [resident(1, "张伟", phone="13800000001"), resident(2, "李娜")]
    rows = [node_write_row(p, partial=True) for p in people]
    assert store.submit_new_node_rows(Label.RESIDENT, rows, PROV)().created == 2
    members = [
        edge("MEMBER_OF", f"Resident:R0000000{n}", "Household:H0000001", role=role)
        for n, role in ((1, "head"), (2, "spouse"))
    ]
    group = edge_write_row(members[0])[0]
    made = store.submit_new_edge_rows(group, [edge_write_row(e)[1] for e in members], PROV)
    assert made().created == 2
    nodes_event, edges_event = store.events_after(before)
    assert (nodes_event.kind, nodes_event.label) == ("node_created", "Resident")
    assert nodes_event.entity_ids == ["Resident:R00000001", "Resident:R00000002"]
    assert nodes_event.fields == ["birth_date", "gender", "name", "phone"]
    assert (nodes_event.actor, nodes_event.source) == (PROV.actor, PROV.source)
    assert (edges_event.kind, edges_event.label) == ("edge_created", "MEMBER_OF")
    assert edges_event.entity_ids == [
        "Resident:R00000001",
        "Household:H0000001",
        "Resident:R00000002",
        "Household:H0000001",
    ]
    assert edges_event.seq > nodes_event.seq
    stored = store.get_nodes([ref("Resident:R00000002")])[ref("Resident:R00000002")]
    assert "phone" not in stored.props and "id_number" not in stored.props
    assert stored.props["residency"] == "registered"  # a default fills a new node


def test_bulk_creates_fall_back_to_upserts_when_another_writer_got_there_first(
    store: CypherStore,
) -> None:
    """Between a job's read and its creates, another writer stores one of the same nodes and
    relationships: nothing is duplicated, nothing lost, and each row is counted once."""
    store.upsert_nodes([household(1)], PROV)
    rows = [node_write_row(resident(1, "张伟")), node_write_row(resident(2, "李娜"))]
    new, _, _ = store.split_node_rows(Label.RESIDENT, rows, PROV.source)
    assert len(new) == 2
    other = Provenance("other.csv", "someone")
    store.upsert_nodes([resident(2, "李静")], other)
    store.upsert_edges(
        [edge("MEMBER_OF", "Resident:R00000002", "Household:H0000001", role="spouse")], other
    )

    nodes = store.submit_new_node_rows(Label.RESIDENT, new, PROV)
    members = [
        edge("MEMBER_OF", f"Resident:R0000000{n}", "Household:H0000001", role="head")
        for n in (1, 2)
    ]
    group = edge_write_row(members[0])[0]
    edges = store.submit_new_edge_rows(group, [edge_write_row(e)[1] for e in members], PROV)
    assert nodes() == WriteResult(created=1, updated=1)
    assert edges() == WriteResult(created=1, unchanged=0, updated=1)

    stored = store.get_nodes([ref("Resident:R00000001"), ref("Resident:R00000002")])
    assert [r.props["name"] for r in stored.values()] == ["张伟", "李娜"]
    assert [r.old["name"] for r in store.revisions(ref("Resident:R00000002"))] == ["李静"]
    around = store.neighbours([ref("Household:H0000001")], [EdgeType.MEMBER_OF], Direction.IN)
    assert sorted(n.node.id for n in around[ref("Household:H0000001")]) == [
        "R00000001",
        "R00000002",
    ]
    kinds = [(e.kind, e.entity_ids[0]) for e in store.events_after(0, 100)]
    assert kinds.count(("node_created", "Resident:R00000002")) == 1
    assert kinds.count(("edge_created", "Resident:R00000002")) == 1


def test_a_relationship_create_event_names_only_what_the_created_ones_set(
    store: CypherStore,
) -> None:
    """A relationship stored meanwhile is skipped by the bulk create: its event must not name
    a property that only the skipped row had."""
    store.upsert_nodes([household(1), household(2), building(1, "1号楼")], PROV)
    homes = [
        edge("RESIDES_IN", "Household:H0000001", "Building:B000001", unit="1"),
        edge("RESIDES_IN", "Household:H0000002", "Building:B000001", unit="1", room="301"),
    ]
    group = edge_write_row(homes[0])[0]
    rows = [edge_write_row(e)[1] for e in homes]
    new, _, _ = store.split_edge_rows(group, rows)
    assert len(new) == 2
    store.upsert_edges([homes[1]], Provenance("other.csv", "someone"))
    before = store.last_event_seq()
    assert store.submit_new_edge_rows(group, new, PROV)() == WriteResult(created=1, unchanged=1)
    [event] = [e for e in store.events_after(before) if e.kind == "edge_created"]
    assert event.entity_ids == ["Household:H0000001", "Building:B000001"]
    assert event.fields == ["unit"]


def test_bulk_creates_store_any_text_exactly(store: CypherStore) -> None:
    """Positional rows may take an engine's fast encoding; every character must survive it
    (a literal backslash-u takes FalkorDB's other encoder)."""
    names = ['O\'Brien "张" \\ 反斜杠\\n', "换\n行\t制表", "字面\\u0041转义", "emoji 🏠 end"]
    rows = [node_write_row(resident(n, name)) for n, name in enumerate(names, start=1)]
    new, _, _ = store.split_node_rows(Label.RESIDENT, rows, PROV.source)
    assert store.submit_new_node_rows(Label.RESIDENT, new, PROV)().created == len(names)
    stored = store.get_nodes([ref(f"Resident:R0000000{n}") for n in range(1, len(names) + 1)])
    assert [r.props["name"] for r in stored.values()] == names


def test_concurrent_writers_lose_nothing_and_number_events_uniquely(store: CypherStore) -> None:
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        try:
            for start in range(0, 200, 50):
                batch = [
                    resident(n, f"居民{n}") for n in range(offset + start, offset + start + 50)
                ]
                store.upsert_nodes(batch, Provenance("test", f"writer-{offset}"))
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    # Writers overlap: ids 0-199, 100-299, 200-399, 300-499 → 500 distinct residents.
    threads = [threading.Thread(target=writer, args=(offset,)) for offset in (0, 100, 200, 300)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count_nodes()[Label.RESIDENT] == 500
    events = store.events_after(0, 10_000)
    assert len({e.seq for e in events}) == len(events)
    created = [e.entity_ids[0] for e in events if e.kind == "node_created"]
    assert len(created) == len(set(created)) == 500
    assert not [e for e in events if e.kind == "node_updated"]

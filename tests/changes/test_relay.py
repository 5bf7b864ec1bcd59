"""The relay on both engines, with a real Redis: every committed change enters the stream
exactly once, in order, described (values, old values, grids, incident category), personal
fields named but never valued; the change log is pruned behind it; trimming and cursors."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from events.change import ChangeKind
from events.describe import describe
from events.relay import Relay, RelayOptions
from events.stream import ChangeStream, CursorError, CursorExpiredError, parse_cursor
from graph.cypher.store import CypherStore
from graph.model import Incident, Label
from graph.workflow import Action, transition
from graph.write_rows import edge_write_row, node_write_row
from tests.factories import PROV, building, edge, grid, household, id_number, ref, resident

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _town(store: CypherStore) -> None:
    store.upsert_nodes(
        [grid(1, "一社区"), grid(2, "一网格"), building(1, "1栋"), household(1)], PROV
    )
    store.upsert_edges(
        [
            edge("PART_OF", "Grid:G00002", "Grid:G00001"),
            edge("IN_GRID", "Building:B000001", "Grid:G00002"),
            edge("RESIDES_IN", "Household:H0000001", "Building:B000001", unit="1", room="101"),
        ],
        PROV,
    )


def test_changes_are_described_without_personal_values(
    store: CypherStore, stream: ChangeStream, relay: Relay
) -> None:
    _town(store)
    relay.drain()
    start = stream.last_cursor()
    person = resident(1, "王芳", id_number=id_number(), phone="13800138000", tags=["veteran"])
    store.upsert_node(person, PROV)
    store.upsert_edges(
        [edge("MEMBER_OF", "Resident:R00000001", "Household:H0000001", role="head")], PROV
    )
    store.upsert_node(resident(1, "王芳", phone="13900139000", tags=["veteran", "disabled"]), PROV)
    store.upsert_node(building(1, "1栋", floors=7), PROV)
    store.delete_node(ref("Resident:R00000001"), PROV)
    assert relay.drain() == 5
    created, joined, updated, building_update, deleted = stream.read(start, 100)
    assert store.events_after(0, 100) == []  # pruned once relayed

    assert created.kind == ChangeKind.NODE_CREATED
    assert (created.entity_type, created.entity_id) == ("Resident", "Resident:R00000001")
    assert {"id_number", "phone", "tags"} <= set(created.changed_fields)
    assert created.values is not None and created.values["name"] == "王芳"
    assert not {"id_number", "phone", "tags"} & set(created.values)
    assert created.old_values is None

    assert joined.kind == ChangeKind.EDGE_CREATED
    assert (joined.source_id, joined.target_id) == ("Resident:R00000001", "Household:H0000001")
    assert joined.values is None  # the relationship went with the resident before relaying
    assert joined.grid_ids == ["G00001", "G00002"]

    assert updated.kind == ChangeKind.NODE_UPDATED
    assert set(updated.changed_fields) >= {"phone", "tags"}
    assert updated.values == {} and updated.old_values == {}  # only personal fields changed
    assert updated.grid_ids == ["G00001", "G00002"]  # household → building → grid, and above

    assert building_update.values == {"floors": 7}
    assert building_update.old_values == {"floors": None}  # it had none
    assert building_update.grid_ids == ["G00001", "G00002"]

    assert deleted.kind == ChangeKind.NODE_DELETED
    assert deleted.values is None
    assert deleted.old_values is not None and deleted.old_values["name"] == "王芳"
    assert "phone" not in deleted.old_values
    assert deleted.grid_ids == ["G00001", "G00002"]
    cursors = [c.cursor for c in (created, joined, updated, building_update, deleted)]
    assert [parse_cursor(c) for c in cursors] == sorted(parse_cursor(c) for c in cursors)


def test_old_and_new_values_and_incident_transitions(
    store: CypherStore, stream: ChangeStream, relay: Relay
) -> None:
    _town(store)
    store.upsert_node(building(1, "1栋", floors=5), PROV)
    store.upsert_node(building(1, "1号楼", floors=6), PROV)
    store.upsert_nodes(
        [Incident(id="I1", category="gas_leak", severity="high", reported_at=T0)], PROV
    )
    store.upsert_edges([edge("OCCURRED_AT", "Incident:I1", "Building:B000001")], PROV)
    transition(store, "I1", Action.ACCEPT, "worker-1", now=T0)
    relay.drain()
    changes = stream.read("0-0", 100)
    [lives] = [c for c in changes if c.entity_type == "RESIDES_IN"]
    assert lives.values == {"room": "101", "unit": "1"}
    renamed = [c for c in changes if c.entity_id == "Building:B000001"][-1]
    assert renamed.values == {"floors": 6, "name": "1号楼"}
    assert renamed.old_values == {"floors": 5, "name": "1栋"}
    accepted = changes[-1]
    assert accepted.kind == ChangeKind.INCIDENT_TRANSITION
    assert accepted.values is not None and accepted.values["status"] == "accepted"
    assert accepted.old_values is not None and accepted.old_values["status"] == "reported"
    assert (accepted.category, accepted.severity) == ("gas_leak", "high")
    assert accepted.grid_ids == ["G00001", "G00002"]
    assert accepted.actor == "worker-1"


def test_a_bulk_create_fans_out_one_entry_per_entity(
    store: CypherStore, stream: ChangeStream, relay: Relay
) -> None:
    rows = [node_write_row(building(n, f"{n}栋")) for n in range(1, 121)]
    new, _, _ = store.split_node_rows(Label.BUILDING, rows, "bulk")
    store.submit_new_node_rows(Label.BUILDING, new, PROV)()
    [event] = store.events_after(0, 10)
    assert len(event.entity_ids) == 120
    assert relay.drain() == 120
    changes = stream.read("0-0", 1000)
    assert [c.cursor for c in changes] == [f"{event.seq}-{i}" for i in range(120)]
    assert [c.entity_id for c in changes] == [f"Building:B{n:06d}" for n in range(1, 121)]
    assert all(c.kind == ChangeKind.NODE_CREATED and c.values for c in changes)


def test_a_bulk_create_carries_the_values_it_wrote_and_no_personal_ones(
    store: CypherStore, stream: ChangeStream, relay: Relay
) -> None:
    _town(store)
    people = [
        resident(
            n, f"居民{n}", id_number=id_number(serial=n), phone="13800138000", tags=["disabled"]
        )
        for n in range(1, 31)
    ]
    rows = [node_write_row(person) for person in people]
    new, _, _ = store.split_node_rows(Label.RESIDENT, rows, "bulk")
    store.submit_new_node_rows(Label.RESIDENT, new, PROV)()
    joins = [
        edge("MEMBER_OF", f"Resident:R{n:08d}", "Household:H0000001", role="tenant")
        for n in range(1, 31)
    ]
    group = edge_write_row(joins[0])[0]
    new, _, _ = store.split_edge_rows(group, [edge_write_row(e)[1] for e in joins])
    store.submit_new_edge_rows(group, new, PROV)()
    events = store.events_after(0, 100)[-2:]
    assert all(event.entity_values for event in events)
    # What the events carry is what the relay would read back from the stored entities.
    carried = describe(events, store)
    read_back = describe([replace(event, entity_values=None) for event in events], store)
    assert [c.values for c in carried] == [c.values for c in read_back]
    assert [c.grid_ids for c in carried] == [["G00001", "G00002"]] * 60
    person, member = carried[0], carried[30]
    assert person.values is not None and person.values["name"] == "居民1"
    assert not {"id_number", "phone", "tags"} & set(person.values)
    for event in events:
        assert "1380013" not in (event.entity_values or "")
    assert member.values == {"role": "tenant"}


def test_a_relay_that_died_mid_batch_neither_loses_nor_repeats(
    store: CypherStore, stream: ChangeStream
) -> None:
    store.upsert_nodes([building(n, f"{n}栋") for n in range(1, 11)], PROV)
    for n in range(1, 11):
        store.upsert_node(building(n, f"{n}号楼"), PROV)
    slow, fast = (Relay(store, stream, RelayOptions(batch=4)) for _ in range(2))
    # `slow` read a batch and died before appending it; `fast` relays everything.
    position = stream.relayed()
    read = store.events_after(position, 4)
    assert fast.drain() == 20
    # The late append from the stale position is refused: nothing is repeated.
    assert stream.append(position, read[-1].seq, describe(read, store)) is None
    assert slow.drain() == 0
    # A relay that appended but died before pruning: the change log still holds the batch;
    # the next relay skips it and prunes it.
    store.upsert_node(building(1, "一号楼"), PROV)
    [late] = store.events_after(stream.relayed(), 10)
    assert stream.append(late.seq - 1, late.seq, describe([late], store)) == late.seq
    assert store.events_after(0, 100) == [late]  # appended, not pruned: the relay "died"
    fresh = Relay(store, stream, RelayOptions(batch=4))
    assert fresh.step() == 0 and store.events_after(0, 100) == []
    seqs = [c.seq for c in stream.read("0-0", 100)]
    assert len(seqs) == len(set(seqs)) == 21 and seqs == sorted(seqs)


def test_two_relays_at_once_relay_every_event_once_in_order(
    store: CypherStore, stream: ChangeStream
) -> None:
    relays = [Relay(store, stream, RelayOptions(batch=7, poll_s=0.001)) for _ in range(2)]
    for one in relays:
        one._holds_lease = lambda: True  # type: ignore[method-assign]  # both work at once
    stop = threading.Event()
    threads = [threading.Thread(target=r.run, args=(stop,)) for r in relays]
    for thread in threads:
        thread.start()
    try:
        for n in range(1, 61):
            store.upsert_node(building(n, f"{n}栋"), PROV)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    relays[0].drain()
    seqs = [c.seq for c in stream.read("0-0", 1000)]
    assert seqs == sorted(set(seqs)) and len(seqs) == 60


def test_trimming_expires_old_cursors_and_names_the_oldest(
    store: CypherStore, stream: ChangeStream, relay: Relay
) -> None:
    for n in range(1, 31):
        store.upsert_node(building(n, f"{n}栋"), PROV)
    relay.drain()
    cursors = [c.cursor for c in stream.read("0-0", 100)]
    assert stream.trim(max_len=10, max_age_before=None) == 20
    stream.check_cursor(cursors[19])  # the last one trimmed: resume right after it
    with pytest.raises(CursorExpiredError) as caught:
        stream.check_cursor(cursors[5])
    assert caught.value.oldest == cursors[19] == stream.oldest_cursor()
    assert [c.cursor for c in stream.read(cursors[19], 100)] == cursors[20:]
    assert stream.trim(max_len=1000, max_age_before="2999-01-01T00:00:00Z") == 10
    assert stream.read(stream.oldest_cursor(), 100) == []
    with pytest.raises(CursorError, match="after: not a change cursor"):
        parse_cursor("yesterday")

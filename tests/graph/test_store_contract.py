"""The GraphStore contract, run against real FalkorDB and real Neo4j (the `store` fixture)."""

from __future__ import annotations

import pytest

from graph.cypher.store import CypherStore
from graph.errors import DuplicateError, GraphError, InvalidInputError, UnknownReferenceError
from graph.model import EdgeType, Label
from graph.records import Direction, NodeRef, Provenance
from graph.write_rows import node_write_row
from tests.factories import PROV, building, edge, grid, household, id_number, ref, resident


def seed_small_community(store: CypherStore) -> None:
    store.upsert_nodes(
        [
            grid(1, "幸福社区第1网格"),
            grid(2, "幸福社区"),
            building(
                1,
                "幸福里小区3栋",
                address="宁波市海曙区中山路8号幸福里小区3栋",
                compound="幸福里小区",
            ),
            building(2, "和平花园1栋", compound="和平花园"),
            household(1),
            household(2),
            resident(1, "张伟"),
            resident(2, "李娜", gender="female"),
            resident(3, "王芳", gender="female"),
        ],
        PROV,
    )
    store.upsert_edges(
        [
            edge("PART_OF", "Grid:G00001", "Grid:G00002"),
            edge("IN_GRID", "Building:B000001", "Grid:G00001"),
            edge("IN_GRID", "Building:B000002", "Grid:G00001"),
            edge("RESIDES_IN", "Household:H0000001", "Building:B000001", unit="1", room="301"),
            edge("RESIDES_IN", "Household:H0000002", "Building:B000002", unit="2", room="101"),
            edge("MEMBER_OF", "Resident:R00000001", "Household:H0000001", role="head"),
            edge("MEMBER_OF", "Resident:R00000002", "Household:H0000001", role="spouse"),
            edge("MEMBER_OF", "Resident:R00000003", "Household:H0000002", role="head"),
        ],
        PROV,
    )


def test_upserting_twice_changes_nothing_and_records_nothing(store: CypherStore) -> None:
    seed_small_community(store)
    counts, last = store.count_nodes(), store.last_event_seq()
    events = store.events_after(0, 10_000)
    assert len(events) == 9 + 8
    seed_small_community(store)
    assert store.count_nodes() == counts
    assert store.events_after(0, 10_000) == events
    again = store.upsert_nodes([resident(1, "张伟")], PROV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert store.last_event_seq() >= last  # numbers may be reserved, never reused


def test_an_update_records_only_the_changed_fields(store: CypherStore) -> None:
    seed_small_community(store)
    before = store.events_after(0, 10_000)[-1].seq
    result = store.upsert_nodes(
        [building(1, "幸福里小区3栋", address="新地址", compound="幸福里小区")],
        Provenance("housing", "job-7"),
    )
    assert (result.created, result.updated) == (0, 1)
    [event] = store.events_after(before)
    assert event.kind == "node_updated"
    assert event.entity_ids == ["Building:B000001"]
    assert event.fields == ["address", "prov_sources"]  # a second source now lists it
    assert (event.actor, event.source) == ("job-7", "housing")
    node = store.get_nodes([ref("Building:B000001")])[ref("Building:B000001")]
    assert node.props["address"] == "新地址"
    assert node.props["prov_source"] == "housing"
    assert node.props["prov_sources"][-1] == "housing" and len(node.props["prov_sources"]) == 2
    assert node.props["created_at"] <= node.props["updated_at"]


def test_an_edge_update_records_its_changed_properties(store: CypherStore) -> None:
    seed_small_community(store)
    before = store.events_after(0, 10_000)[-1].seq
    result = store.upsert_edges(
        [edge("MEMBER_OF", "Resident:R00000002", "Household:H0000001", role="child")], PROV
    )
    assert (result.created, result.updated) == (0, 1)
    [event] = store.events_after(before)
    assert (event.kind, event.label, event.fields) == ("edge_updated", "MEMBER_OF", ["role"])
    assert event.entity_ids == ["Resident:R00000002", "Household:H0000001"]


def test_events_are_numbered_in_order_and_page_by_sequence(store: CypherStore) -> None:
    seed_small_community(store)
    events = store.events_after(0, 10_000)
    seqs = [e.seq for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    page = store.events_after(seqs[4], limit=3)
    assert [e.seq for e in page] == seqs[5:8]
    created = [e for e in events if e.kind == "node_created"]
    assert sorted(e.entity_ids[0] for e in created) == sorted(
        str(r) for r in store.get_nodes([ref(e.entity_ids[0]) for e in created])
    )


def test_unknown_endpoints_refuse_the_whole_call(store: CypherStore) -> None:
    seed_small_community(store)
    last, counts = store.last_event_seq(), store.count_nodes()
    with pytest.raises(UnknownReferenceError) as caught:
        store.upsert_edges(
            [
                edge("MEMBER_OF", "Resident:R00000003", "Household:H0000001", role="tenant"),
                edge("MEMBER_OF", "Resident:R00000001", "Household:H9999999", role="head"),
            ],
            PROV,
        )
    assert caught.value.problems == ["edges[1].target: Household:H9999999 does not exist"]
    assert store.last_event_seq() == last and store.count_nodes() == counts
    members = store.neighbours([ref("Household:H0000001")], [EdgeType.MEMBER_OF])
    assert len(members[ref("Household:H0000001")]) == 2


def test_bad_edges_are_refused_naming_the_field(store: CypherStore) -> None:
    seed_small_community(store)
    with pytest.raises(InvalidInputError) as caught:
        store.upsert_edges(
            [
                edge("IN_GRID", "Resident:R00000001", "Grid:G00001"),
                edge("MEMBER_OF", "Resident:R00000001", "Household:H0000001", role="boss"),
            ],
            PROV,
        )
    problems = caught.value.problems
    assert problems[0] == "edges[0].source: a Resident cannot start IN_GRID"
    assert problems[1].startswith("edges[1].props.role:")


def test_lookup_by_ids_returns_only_what_exists(store: CypherStore) -> None:
    seed_small_community(store)
    found = store.get_nodes(
        [ref("Resident:R00000001"), ref("Resident:R00000099"), ref("Building:B000002")]
    )
    assert set(found) == {ref("Resident:R00000001"), ref("Building:B000002")}
    assert found[ref("Resident:R00000001")].props["name"] == "张伟"
    assert "search_text" not in found[ref("Resident:R00000001")].props


def test_neighbours_follow_types_direction_and_limits(store: CypherStore) -> None:
    seed_small_community(store)
    grid_ref, b1 = ref("Grid:G00001"), ref("Building:B000001")
    incoming = store.neighbours([grid_ref], [EdgeType.IN_GRID], Direction.IN)[grid_ref]
    assert {n.node.ref for n in incoming} == {b1, ref("Building:B000002")}
    assert all(n.edge.target == grid_ref for n in incoming)
    assert store.neighbours([grid_ref], [EdgeType.IN_GRID], Direction.OUT)[grid_ref] == []
    assert len(store.neighbours([grid_ref], [], Direction.BOTH, limit=1)[grid_ref]) == 1
    both = store.neighbours([b1, grid_ref], [EdgeType.RESIDES_IN, EdgeType.PART_OF])
    assert [n.edge.props["room"] for n in both[b1]] == ["301"]
    assert [n.node.ref for n in both[grid_ref]] == [ref("Grid:G00002")]


def test_k_hop_expansion_exports_a_subgraph(store: CypherStore) -> None:
    seed_small_community(store)
    one = store.expand([ref("Resident:R00000001")], hops=1)
    assert set(one.nodes) == {ref("Resident:R00000001"), ref("Household:H0000001")}
    three = store.expand([ref("Resident:R00000001")], hops=3)
    assert ref("Grid:G00001") in three.nodes and ref("Resident:R00000002") in three.nodes
    assert ref("Resident:R00000003") not in three.nodes
    for item in three.edges:
        assert item.source in three.nodes and item.target in three.nodes
    capped = store.expand([ref("Grid:G00001")], hops=3, max_nodes=3)
    assert len(capped.nodes) == 3 and capped.truncated


def test_an_expansion_has_every_relationship_of_the_nodes_it_walked_from(
    store: CypherStore,
) -> None:
    seed_small_community(store)
    seed = ref("Household:H0000001")
    rings = [{seed}]
    expected: set[tuple[EdgeType, NodeRef, NodeRef]] = set()
    for _ in range(2):  # two hops walk from the seed and from the nodes one relationship away
        around = store.neighbours(sorted(rings[-1]), limit=1000)
        expected |= {
            (n.edge.type, n.edge.source, n.edge.target) for ns in around.values() for n in ns
        }
        reached = {n.node.ref for ns in around.values() for n in ns}
        rings.append(reached - set().union(*rings))
    for fields in (None, ("name",)):
        walked = store.expand([seed], hops=2, fields=fields)
        assert set(walked.nodes) == set().union(*rings)
        assert {(e.type, e.source, e.target) for e in walked.edges} == expected
        assert len(walked.edges) == len(expected)


def test_an_expansion_told_its_fields_reads_only_those(store: CypherStore) -> None:
    seed_small_community(store)
    seed = [ref("Resident:R00000001")]
    full = store.expand(seed, hops=3)
    light = store.expand(seed, hops=3, fields=("name", "floors"))
    assert set(light.nodes) == set(full.nodes) and len(light.edges) == len(full.edges)
    for found, node in light.nodes.items():
        if found not in seed:  # the seeds are read in full
            wanted = {k: v for k, v in full.nodes[found].props.items() if k in ("name", "floors")}
            assert node.props == wanted
    provenance = {"prop_hash", "prov_source", "prov_actor", "prov_sources"}
    shown = {(e.type, e.source, e.target): e.props for e in light.edges}
    for rel in full.edges:
        expected = {k: v for k, v in rel.props.items() if k not in provenance}
        assert shown[(rel.type, rel.source, rel.target)] == expected
    assert any(set(props) - {"created_at", "updated_at"} for props in shown.values())


def test_shortest_path_is_undirected_and_typed(store: CypherStore) -> None:
    seed_small_community(store)
    path = store.shortest_path(ref("Resident:R00000001"), ref("Resident:R00000003"))
    assert path is not None and path.length == 6
    assert [n.ref.label for n in path.nodes] == [
        Label.RESIDENT,
        Label.HOUSEHOLD,
        Label.BUILDING,
        Label.GRID,
        Label.BUILDING,
        Label.HOUSEHOLD,
        Label.RESIDENT,
    ]
    short = store.shortest_path(ref("Resident:R00000001"), ref("Resident:R00000002"))
    assert short is not None and short.length == 2
    assert (
        store.shortest_path(ref("Resident:R00000001"), ref("Resident:R00000003"), max_hops=4)
        is None
    )
    assert (
        store.shortest_path(
            ref("Resident:R00000001"),
            ref("Resident:R00000003"),
            types=[EdgeType.MEMBER_OF, EdgeType.RESIDES_IN],
        )
        is None
    )
    same = store.shortest_path(ref("Grid:G00001"), ref("Grid:G00001"))
    assert same is not None and same.length == 0


def test_chinese_search_finds_compound_names_inside_longer_text(store: CypherStore) -> None:
    seed_small_community(store)
    names = lambda hits: [h.node.props["name"] for h in hits]  # noqa: E731
    assert names(store.search("幸福里")) == ["幸福里小区3栋"]
    assert names(store.search("中山路8号", [Label.BUILDING])) == ["幸福里小区3栋"]
    assert names(store.search("李娜")) == ["李娜"]
    assert "王芳" in names(store.search("芳"))
    assert sorted(names(store.search("幸福"))) == ["幸福社区", "幸福社区第1网格", "幸福里小区3栋"]
    assert names(store.search("幸福", [Label.BUILDING])) == ["幸福里小区3栋"]
    assert store.search("福里小区4栋") == []
    assert store.search("  ，。") == []


def test_counts_and_aggregates(store: CypherStore) -> None:
    seed_small_community(store)
    store.upsert_nodes(
        [
            resident(
                4,
                "赵敏",
                gender="female",
                birth_date="1940-03-01",
                tags=["elderly_living_alone", "disabled"],
            ),
            resident(5, "孙强", birth_date="2015-06-01", tags=["minor"]),
        ],
        PROV,
    )
    counts = store.count_nodes()
    assert counts[Label.RESIDENT] == 5 and counts[Label.BUILDING] == 2
    assert counts[Label.INCIDENT] == 0
    assert store.count_by(Label.RESIDENT, "gender") == {"male": 2, "female": 3}
    assert store.count_by(Label.RESIDENT, "tags") == {
        "elderly_living_alone": 1,
        "disabled": 1,
        "minor": 1,
    }
    with pytest.raises(InvalidInputError, match="field"):
        store.count_by(Label.RESIDENT, "shoe_size")


def test_invalid_nodes_never_reach_the_store(store: CypherStore) -> None:
    with pytest.raises(ValueError, match="birth_date"):
        resident(1, birth_date="1990-13-01")
    assert store.count_nodes()[Label.RESIDENT] == 0
    assert store.events_after(0) == []


def test_removed_optional_values_are_cleared(store: CypherStore) -> None:
    store.upsert_nodes([building(1, "1栋", floors=6)], PROV)
    store.upsert_nodes([building(1, "1栋")], PROV)
    props = store.get_nodes([NodeRef(Label.BUILDING, "B000001")])[
        NodeRef(Label.BUILDING, "B000001")
    ].props
    assert "floors" not in props
    assert store.events_after(0)[-1].fields == ["floors"]


def test_a_falkordb_refusal_leaves_out_the_query_text_it_quotes() -> None:
    """Errors may reach a log; FalkorDB quotes the query around a parse error (errCtx), and
    its parameters travel inside the query text."""
    import redis

    from graph.adapters.falkordb import _store_error

    refusal = redis.exceptions.ResponseError(
        "errMsg: Invalid input at end of input: expected ` line: 1, column: 30, offset: 29 "
        'errCtx: CYPHER `phone`="13800138000" `x`=[1,,2] errCtxOffset: 29'
    )
    error = _store_error(refusal)
    assert isinstance(error, GraphError) and "13800138000" not in str(error)
    assert str(error).startswith("FalkorDB refused a query: errMsg: Invalid input")


def test_the_store_refuses_a_second_resident_with_the_same_id_number(store: CypherStore) -> None:
    number = id_number("19900101")
    store.upsert_nodes([resident(1, id_number=number)], PROV)
    with pytest.raises(DuplicateError):
        store.upsert_nodes([resident(3, "张卫", id_number=number)], PROV)
    with pytest.raises(DuplicateError):  # the plain create of new nodes (bulk loads) too
        row = node_write_row(resident(4, "张卫", id_number=number))
        store.submit_new_node_rows(Label.RESIDENT, [row], PROV)()
    assert store.get_nodes([ref("Resident:R00000003"), ref("Resident:R00000004")]) == {}
    # Residents without an ID number are not constrained.
    store.upsert_nodes([resident(5), resident(6)], PROV)

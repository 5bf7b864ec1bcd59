"""Entity linking against a small graph on both engines: names the gazetteer reads from the
store, exact and alias matches, a homophone typo, context deciding between two buildings of
the same name, a facility linked to the device of its kind in the building named, people only
within the submitter's household, and the gazetteer kept current from the change history."""

from __future__ import annotations

from events.history import ChangeHistory
from graph.cypher.store import CypherStore
from graph.model import Building
from graph.records import NodeRef
from nlp.gazetteer import Gazetteer, GazetteerCache
from nlp.linking import LINKED, PROPOSED, UNLINKED, Context, Link, link
from nlp.pipeline import Entity
from tests.factories import PROV, edge
from tests.nlp import small_graph


def _entity(text: str, words: str, label: str = "PLACE") -> Entity:
    start = text.index(words)
    return Entity(start, start + len(words), label, words, 0.8, "recogniser")


def _linked(links: list[Link]) -> list[tuple[str, str | None, str]]:
    return [(x.entity.text, str(x.ref) if x.ref else None, x.status) for x in links]


def test_gazetteer_reads_names_from_the_store(store: CypherStore) -> None:
    small_graph.build(store)
    gazetteer = Gazetteer.from_store(store)
    text = "翠湖花园5栋门口和光华路88号的路灯坏了，东光大厦也一样，翠湖物业有限公司不管"
    assert [text[s:e] for s, e in gazetteer.find(text)] == [
        "翠湖花园5栋",
        "光华路88号",
        "东光大厦",
        "翠湖物业有限公司",
    ]
    assert {e.ref for e in gazetteer.entries("翠湖花园")} == {
        NodeRef.parse("Building:B1"),
        NodeRef.parse("Building:B2"),
    }
    assert {e.ref for e in gazetteer.entries("翠湖")} == {NodeRef.parse("Grid:G1")}  # alias
    assert gazetteer.grids(NodeRef.parse("Building:B3")) == {"G2"}
    assert gazetteer.grids(NodeRef.parse("Organisation:O1")) == {"G1"}


def test_links_exact_alias_typo_and_context(store: CypherStore) -> None:
    small_graph.build(store)
    gazetteer = Gazetteer.from_store(store)
    text = "翠湖花园5栋的电梯坏了，冬光大厦那边幸福楼也是，翠湖花园里王小明和李四都看见了"
    entities = [
        _entity(text, "翠湖花园5栋"),
        _entity(text, "电梯", "FACILITY"),
        _entity(text, "冬光大厦"),  # 东 typed as 冬: the same pinyin
        _entity(text, "幸福楼"),
        _entity(text, "翠湖花园"),
        _entity(text, "王小明", "PERSON"),
        _entity(text, "李四", "PERSON"),
    ]
    members = {"王小明": [NodeRef.parse("Resident:R1")]}
    in_g1 = Context(building="B1", grids=frozenset({"G1"}), people=members)
    links = link(entities, gazetteer, in_g1)
    assert _linked(links) == [
        ("翠湖花园5栋", "Building:B1", LINKED),
        ("电梯", "Device:D1", LINKED),  # the lift monitor of the building named
        ("冬光大厦", "Building:B3", PROPOSED),  # a homophone, in no grid of the submitter's
        ("幸福楼", "Building:B4", LINKED),  # two of that name: the submitter's grid decides
        ("翠湖花园", "Building:B1", PROPOSED),  # a compound of two buildings: a proposal
        ("王小明", "Resident:R1", LINKED),  # a member of the submitter's household
        ("李四", None, UNLINKED),  # not of the household: never guessed
    ]
    assert all(0 <= x.confidence <= 1 for x in links)
    in_g2 = Context(grids=frozenset({"G2"}))
    again = link([entities[3], entities[2]], gazetteer, in_g2)
    assert _linked(again) == [
        ("幸福楼", "Building:B5", LINKED),
        ("冬光大厦", "Building:B3", LINKED),  # in the submitter's grid: sure enough
    ]
    nobody = link([entities[3]], gazetteer, Context())
    assert nobody[0].status == PROPOSED and nobody[0].confidence < 0.75  # a tie, no context


def test_gazetteer_follows_changes(store: CypherStore) -> None:
    small_graph.build(store)
    cache = GazetteerCache(store, ChangeHistory(store))
    first = cache.get()
    assert first.entries("星河湾") == []
    store.upsert_nodes([Building(id="B9", name="星河湾", address="滨江路1号")], PROV)
    store.upsert_edges([edge("IN_GRID", "Building:B9", "Grid:G2")], PROV)
    store.delete_node(NodeRef.parse("Building:B3"), PROV)
    current = cache.get()
    assert current is first  # patched in place from the events, not rebuilt
    assert [str(e.ref) for e in current.entries("星河湾")] == ["Building:B9"]
    assert current.grids(NodeRef.parse("Building:B9")) == {"G2"}
    assert current.entries("东光大厦") == []
    assert current.find("东光大厦门口") == []

"""Incidents from petitions on both engines: a complaint about trouble at a named building
raises an incident there; another within the window joins it, one after the window raises a new
one; trouble elsewhere is another incident; a question raises none, and neither does a petition
submitted before the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from events.history import ChangeHistory
from graph.cypher.store import CypherStore
from graph.model import Petition
from graph.records import Direction, NodeRef
from nlp.gazetteer import GazetteerCache
from nlp.petitions import PetitionService
from nlp.pipeline import Pipeline
from tests.factories import PROV
from tests.nlp import small_graph

T0 = datetime(2024, 5, 1, 8, tzinfo=UTC)


def _petition(n: int, text: str, at: datetime) -> Petition:
    return Petition(id=f"P{n}", text=text, submitted_at=at)


def test_one_incident_many_petitions_within_the_window(store: CypherStore) -> None:
    small_graph.build(store)
    clock = [T0]
    service = PetitionService(
        store, Pipeline.load(), GazetteerCache(store, ChangeHistory(store)), _now=lambda: clock[0]
    )

    def submit(n: int, text: str, submitter: str | None = None) -> NodeRef | None:
        (done,) = service.process([_petition(n, text, clock[0])], [submitter], PROV)
        return done.incident

    first = submit(1, "翠湖花园5栋停电了，一整天没电，投诉！", "R1")
    assert first is not None
    incident = store.get_nodes([first])[first].props
    assert incident["category"] == "power_outage" and incident["source"] == "petition"
    places = store.neighbours([first], [], Direction.OUT)[first]
    assert NodeRef.parse("Building:B1") in {n.node.ref for n in places}

    clock[0] = T0 + timedelta(days=2)
    assert submit(2, "翠湖花园5栋又停电，家里冰箱都坏了") == first  # joined
    assert submit(3, "请问翠湖花园5栋什么时候恢复供电？") is None  # a question
    other_place = submit(4, "东光大厦停电两天了，请尽快处理")
    assert other_place not in (None, first)
    clock[0] = T0 + timedelta(days=10)
    later = submit(5, "翠湖花园5栋又停电了！")
    assert later not in (None, first)  # the first was reported outside the window

    # A petition from before the window is history: linked, but it raises no incident.
    (old,) = service.process([_petition(6, "翠湖花园5栋停电了！", T0)], [None], PROV)
    assert old.report is None and old.incident is None
    assert any(x.ref == NodeRef.parse("Building:B1") for x in old.links)

    reported = store.neighbours([first], [], Direction.IN)[first]
    assert {n.node.ref.id for n in reported if n.node.ref.label.value == "Petition"} == {"P1", "P2"}

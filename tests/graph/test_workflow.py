"""The incident closed loop on both engines: allowed and refused transitions, history,
deadlines, overdue listing, concurrent actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph.cypher.store import CypherStore
from graph.errors import InvalidInputError, TransitionError, VersionConflictError
from graph.model import EdgeType, Incident, Label, Organisation
from graph.workflow import Action, overdue_filter, transition
from tests.factories import PROV, ref

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def incident(store: CypherStore) -> CypherStore:
    store.upsert_nodes(
        [
            Incident(id="I1", category="gas_leak", severity="critical", reported_at=T0),
            Organisation(id="O1", name="燃气公司抢修队", kind="utility_company"),
        ],
        PROV,
    )
    return store


def test_the_whole_loop_records_every_step(incident: CypherStore) -> None:
    steps = [
        (Action.ACCEPT, None),
        (Action.REGISTER, None),
        (Action.DISPATCH, "O1"),
        (Action.HANDLE, None),
        (Action.VERIFY, None),
        (Action.CLOSE, None),
    ]
    for n, (action, assignee) in enumerate(steps):
        record = transition(
            incident,
            "I1",
            action,
            f"worker-{n}",
            note=f"第{n}步",
            assignee=ref(f"Organisation:{assignee}") if assignee else None,
            now=T0 + timedelta(hours=n),
        )
    assert record.props["status"] == "closed"
    history = Incident.model_validate(
        {k: v for k, v in record.props.items() if k in Incident.model_fields} | {"id": "I1"}
    ).history
    assert [(s.action, s.from_status, s.to_status, s.actor) for s in history] == [
        ("accept", "reported", "accepted", "worker-0"),
        ("register", "accepted", "registered", "worker-1"),
        ("dispatch", "registered", "dispatched", "worker-2"),
        ("handle", "dispatched", "handled", "worker-3"),
        ("verify", "handled", "verified", "worker-4"),
        ("close", "verified", "closed", "worker-5"),
    ]
    assert history[2].note == "第2步"
    assert record.props["deadline_at"] == "2026-06-02T09:00:00Z"  # critical: 1 day
    assigned = incident.neighbours([ref("Incident:I1")], [EdgeType.ASSIGNED_TO])
    assert [n.node.id for n in assigned[ref("Incident:I1")]] == ["O1"]
    kinds = [e.kind for e in incident.events_after(0, 100)]
    assert kinds.count("node_updated") >= 6


def test_refused_transitions_say_what_is_allowed(incident: CypherStore) -> None:
    with pytest.raises(
        TransitionError, match="cannot close an incident that is reported; allowed: accept, void"
    ):
        transition(incident, "I1", Action.CLOSE, "w")
    transition(incident, "I1", Action.VOID, "w")
    with pytest.raises(TransitionError, match="none"):
        transition(incident, "I1", Action.ACCEPT, "w")
    assert incident.get_nodes([ref("Incident:I1")])[ref("Incident:I1")].props["status"] == "void"


def test_dispatch_needs_an_existing_organisation(incident: CypherStore) -> None:
    transition(incident, "I1", Action.ACCEPT, "w")
    transition(incident, "I1", Action.REGISTER, "w")
    with pytest.raises(InvalidInputError, match="assignee"):
        transition(incident, "I1", Action.DISPATCH, "w", assignee=ref("Organisation:NOPE"))
    with pytest.raises(InvalidInputError, match="assignee"):
        transition(incident, "I1", Action.DISPATCH, "w")


def test_hold_resume_and_stale_versions(incident: CypherStore) -> None:
    transition(incident, "I1", Action.ACCEPT, "w")
    record = transition(incident, "I1", Action.REGISTER, "w")
    version = record.props["version"]
    transition(incident, "I1", Action.HOLD, "w", expected_version=version)
    with pytest.raises(VersionConflictError):
        transition(incident, "I1", Action.RESUME, "w", expected_version=version)
    assert transition(incident, "I1", Action.RESUME, "w").props["status"] == "registered"


def test_overdue_incidents_are_open_and_past_deadline(incident: CypherStore) -> None:
    incident.upsert_nodes(
        [Incident(id="I2", category="noise", severity="low", reported_at=T0)], PROV
    )
    for node_id in ("I1", "I2"):
        transition(incident, node_id, Action.ACCEPT, "w", now=T0)
        transition(incident, node_id, Action.REGISTER, "w", now=T0)
    now = T0 + timedelta(days=2)  # I1 (critical, 1 day) is overdue; I2 (low, 15 days) is not
    overdue = incident.list_nodes(Label.INCIDENT, where=overdue_filter(now), first=10)
    assert [r.id for r in overdue.records] == ["I1"]
    for action in (Action.DISPATCH, Action.HANDLE, Action.VERIFY, Action.CLOSE):
        transition(
            incident,
            "I1",
            action,
            "w",
            assignee=ref("Organisation:O1") if action == Action.DISPATCH else None,
        )
    assert incident.count_where(Label.INCIDENT, overdue_filter(now)) == 0

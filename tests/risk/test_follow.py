"""A projection kept current from the change history equals one built afresh: after random
changes to a real store on both engines (people born and moved, tags, floors, devices failing,
buildings deleted and recreated, relationships made, re-weighted and removed), read from the
graph's events, or from the change stream once a relay has moved and pruned them; and a
history that is gone (pruned without a stream, trimmed from the stream) says so. The
vectorised matrix patch is checked against a rebuild over many random rounds without a
store."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import numpy as np

from events.relay import Relay
from events.stream import ChangeStream
from graph.cypher.store import CypherStore
from graph.model import EdgeType, Label
from graph.model.nodes import NODE_MODELS
from graph.records import NodeRef
from ingest.generator.community import generate
from ingest.job.run import load_folder
from risk.build import build_projection
from risk.builder import ProjectionBuilder
from risk.follow import ChangeHistory, followed
from risk.patch import Patch, patched
from risk.projection import GONE, LABELS, Projection
from tests.factories import PROV, edge, resident

TODAY = "2026-12-01"
Graph = tuple[dict[str, tuple[str, tuple[Any, ...]]], set[tuple[str, str, str, float]]]


def as_graph(p: Projection) -> Graph:
    """What a projection says, independent of its node order: each live node's label and
    attributes, each relationship with its weight."""
    live = np.flatnonzero(p.label != GONE)
    nodes = {
        p.ids[i]: (
            LABELS[p.label[i]].value,
            tuple(None if math.isnan(v[i]) else float(v[i]) for v in p.attrs.values()),
        )
        for i in live
    }
    edges = set()
    for edge_type, matrix in p.edges.items():
        coo = matrix.tocoo()
        for a, b, w in zip(coo.row, coo.col, coo.data, strict=True):
            assert p.label[a] != GONE and p.label[b] != GONE, (edge_type, p.ids[a], p.ids[b])
            edges.add((edge_type.value, p.ids[a], p.ids[b], float(w)))
    return nodes, edges


def _stored(store: CypherStore, ref: NodeRef, **update: Any) -> Any:
    """The stored node as its model, with `update` applied."""
    props = store.get_nodes([ref])[ref].props
    model = NODE_MODELS[ref.label]
    values = {k: v for k, v in props.items() if k in model.model_fields}
    return model.model_validate({**values, **update, "id": ref.id})


def change_randomly(store: CypherStore, p: Projection, rng: random.Random) -> None:
    """Sixty random writes through the store's own write path."""
    of = {
        label: [g for g in p.ids if g.startswith(f"{label.value}:")]
        for label in (Label.RESIDENT, Label.HOUSEHOLD, Label.BUILDING, Label.DEVICE)
    }
    fresh = 0
    for _ in range(60):
        step = rng.randrange(9)
        if step == 0:  # a resident ages, gains or loses tags
            ref = NodeRef.parse(rng.choice(of[Label.RESIDENT]))
            tags = rng.sample(["elderly_living_alone", "disabled", "home_medical_device"], 2)
            born = f"19{rng.randrange(30, 99)}-03-04"
            moved = _stored(store, ref, birth_date=born, id_number=None, tags=tags)
            store.upsert_nodes([moved], PROV)
        elif step == 1:  # someone new moves into a household
            fresh += 1
            person = resident(90_000 + fresh, birth_date="1938-05-06", tags=["disabled"])
            store.upsert_nodes([person], PROV)
            home = rng.choice(of[Label.HOUSEHOLD])
            store.upsert_edges(
                [edge("MEMBER_OF", f"Resident:{person.id}", home, role="other")], PROV
            )
        elif step == 2:  # a household moves up a floor
            ref = NodeRef.parse(rng.choice(of[Label.HOUSEHOLD]))
            floor = store.get_nodes([ref])[ref].props.get("floor") or 1
            store.upsert_nodes([_stored(store, ref, floor=floor + 1)], PROV)
        elif step == 3:  # a device fails
            ref = NodeRef.parse(rng.choice(of[Label.DEVICE]))
            store.upsert_nodes([_stored(store, ref, status="fault")], PROV)
        elif step == 4:  # a resident leaves the graph, relationships and all
            gone = rng.choice(of[Label.RESIDENT])
            of[Label.RESIDENT].remove(gone)
            store.delete_node(NodeRef.parse(gone), PROV)
        elif step == 5:  # a building is deleted and entered again: its relationships went
            ref = NodeRef.parse(rng.choice(of[Label.BUILDING]))
            again = _stored(store, ref, floors=3)
            store.delete_node(ref, PROV)
            store.upsert_nodes([again], PROV)
        elif step == 6:  # two buildings become neighbours, or their distance changes
            a, b = rng.sample(of[Label.BUILDING], 2)
            metres = float(rng.randrange(5, 200))
            store.upsert_edges([edge("ADJACENT_TO", a, b, distance_m=metres)], PROV)
        elif rng.random() < 0.5:  # a supply line is cut
            lines = p.matrix(EdgeType.SUPPLIES).tocoo()
            at = rng.randrange(lines.nnz)
            ends = NodeRef.parse(p.ids[lines.row[at]]), NodeRef.parse(p.ids[lines.col[at]])
            store.delete_edge(EdgeType.SUPPLIES, *ends, PROV)
        else:  # a new one is laid
            device, building = rng.choice(of[Label.DEVICE]), rng.choice(of[Label.BUILDING])
            store.upsert_edges([edge("SUPPLIES", device, building)], PROV)


def _community(store: CypherStore, tmp_path: Path) -> Projection:
    generate(tmp_path / "community", 300, 5)
    load_folder(store, tmp_path / "community", "test", "pytest")
    return build_projection(store, TODAY)


def test_following_the_graphs_events_equals_a_rebuild(store: CypherStore, tmp_path: Path) -> None:
    p = _community(store, tmp_path)
    before = as_graph(p)
    history = ChangeHistory(store)
    assert followed(p, history) is p  # nothing changed: the same projection
    change_randomly(store, p, random.Random(7))
    current = followed(p, history)
    assert current is not None and current.seq == store.last_event_seq() > p.seq
    assert as_graph(current) == as_graph(build_projection(store, TODAY))
    assert as_graph(current) != before
    assert as_graph(p) == before  # the projection followed from is left as it was
    # And again from there: the shared id list grows, the first projection still reads.
    change_randomly(store, current, random.Random(8))
    again = followed(current, history)
    assert again is not None
    assert as_graph(again) == as_graph(build_projection(store, TODAY))
    assert as_graph(p) == before


def test_pruned_events_are_followed_through_the_stream(
    store: CypherStore, stream: ChangeStream, relay: Relay, tmp_path: Path
) -> None:
    p = _community(store, tmp_path)
    relay.drain()
    change_randomly(store, p, random.Random(11))
    relay.drain()  # every change is in the stream now, and pruned from the graph
    assert store.events_after(p.seq) == []
    assert followed(p, ChangeHistory(store)) is None  # the graph alone cannot say what changed
    current = followed(p, ChangeHistory(store, stream))
    assert current is not None
    assert as_graph(current) == as_graph(build_projection(store, TODAY))
    # Once the stream is trimmed past the projection, that history is gone as well.
    stream.trim(max_len=1, max_age_before=None)
    assert followed(p, ChangeHistory(store, stream)) is None


def _random_truth(rng: random.Random, n: int) -> tuple[dict[str, Any], dict[Any, Any]]:
    nodes: dict[str, Any] = {}
    for i in range(n):
        label = rng.choice([Label.RESIDENT, Label.BUILDING, Label.DEVICE])
        nodes[f"{label.value}:{i}"] = (label, _props(rng, label))
    edges: dict[Any, Any] = {}
    ids = list(nodes)
    for _ in range(n * 3):
        key = (rng.choice([EdgeType.ADJACENT_TO, EdgeType.SUPPLIES]), *rng.sample(ids, 2))
        edges[key] = {"distance_m": float(rng.randrange(1, 99))}
    return nodes, edges


def _props(rng: random.Random, label: Label) -> dict[str, Any]:
    if label == Label.RESIDENT:
        return {"birth_date": f"19{rng.randrange(10, 99)}-01-01", "tags": ["disabled"]}
    if label == Label.BUILDING:
        return {"floors": rng.randrange(1, 30), "has_elevator": rng.random() < 0.5}
    return {"kind": "transformer", "status": rng.choice(["normal", "fault"])}


def _projection_of(nodes: dict[str, Any], edges: dict[Any, Any]) -> Projection:
    builder = ProjectionBuilder(TODAY)
    for global_id, (label, props) in nodes.items():
        builder.add_node(label, global_id.split(":", 1)[1], props)
    for (edge_type, a, b), props in edges.items():
        builder.add_edge(edge_type, a, b, props["distance_m"])
    return builder.build()


def test_patching_matches_a_rebuild_over_many_random_rounds() -> None:
    rng = random.Random(3)
    nodes, edges = _random_truth(rng, 400)
    p = _projection_of(nodes, edges)
    made = len(nodes)
    deleted: list[str] = []
    for round_ in range(30):
        patch = Patch()
        for _ in range(rng.randrange(1, 60)):
            ids = list(nodes)
            move = rng.randrange(5)
            if move == 0:  # a node goes, with its relationships
                gone = rng.choice(ids)
                label = nodes.pop(gone)[0]
                edges = {k: v for k, v in edges.items() if gone not in k[1:]}
                patch.nodes[gone] = (label, None)
                patch.detached.add(gone)
                deleted.append(gone)
            elif move == 1:  # a node comes (sometimes under an id deleted before)
                made += 1
                label = rng.choice([Label.RESIDENT, Label.BUILDING, Label.DEVICE])
                global_id = f"{label.value}:{made}"
                if deleted and rng.random() < 0.4:
                    global_id = deleted.pop(rng.randrange(len(deleted)))
                    label = Label(global_id.split(":", 1)[0])
                nodes[global_id] = (label, _props(rng, label))
                patch.nodes[global_id] = nodes[global_id]
            elif move == 2:  # a node's values change
                changed = rng.choice(ids)
                nodes[changed] = (nodes[changed][0], _props(rng, nodes[changed][0]))
                patch.nodes[changed] = nodes[changed]
            elif move == 3:  # a relationship is made or re-weighted
                key = (rng.choice([EdgeType.ADJACENT_TO, EdgeType.SUPPLIES]), *rng.sample(ids, 2))
                edges[key] = {"distance_m": float(rng.randrange(1, 99))}
                patch.edges[key] = edges[key]
            elif edges:  # a relationship is removed
                key = rng.choice(list(edges))
                del edges[key]
                patch.edges[key] = None
        p = patched(p, patch, seq=round_ + 1)
        assert as_graph(p) == as_graph(_projection_of(nodes, edges)), round_

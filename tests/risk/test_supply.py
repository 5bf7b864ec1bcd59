"""Supply cascades: a hand-checked ring main with a redundant feeder and a water pump that
draws power, and random networks checked against networkx connectivity after removing the
failed assets."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np

from graph.model import EdgeType, Label
from risk.builder import ProjectionBuilder
from risk.projection import Projection
from risk.supply import Network, cascade

FEEDS, SUPPLIES, INSTALLED_IN = EdgeType.FEEDS, EdgeType.SUPPLIES, EdgeType.INSTALLED_IN


def projection(
    devices: dict[str, str],
    buildings: list[str],
    edges: list[tuple[EdgeType, str, str]],
    down: frozenset[str] = frozenset(),
) -> Projection:
    builder = ProjectionBuilder(today="2026-12-01")
    for key, kind in devices.items():
        status = "fault" if key in down else "online"
        builder.add_node(Label.DEVICE, key, {"kind": kind, "status": status})
    for key in buildings:
        builder.add_node(Label.BUILDING, key, {})
    for edge_type, source, target in edges:
        source_label = "Device"
        target_label = "Building" if target in buildings else "Device"
        assert builder.add_edge(edge_type, f"{source_label}:{source}", f"{target_label}:{target}")
    return builder.build()


def failing(p: Projection, *keys: str) -> np.ndarray:
    failed = np.zeros(p.size, dtype=bool)
    for key in keys:
        failed[p.index[f"Device:{key}"]] = True
    return failed


def names(p: Projection, mask: np.ndarray) -> set[str]:
    return {p.ids[i].split(":", 1)[1] for i in np.flatnonzero(mask)}


RING = projection(
    devices={
        "S": "substation",
        "T1": "transformer",
        "T2": "transformer",
        "P": "water_pump",
        "V": "water_valve",
        "L": "elevator_monitor",
    },
    buildings=["B1", "B2", "B3"],
    edges=[
        (FEEDS, "S", "T1"),
        (FEEDS, "S", "T2"),
        (SUPPLIES, "T1", "B1"),
        (SUPPLIES, "T1", "B2"),
        (SUPPLIES, "T2", "B2"),  # B2 has two feeders
        (SUPPLIES, "T2", "B3"),
        (FEEDS, "T1", "P"),  # the pump draws power from T1
        (FEEDS, "P", "V"),
        (SUPPLIES, "V", "B3"),
        (INSTALLED_IN, "L", "B1"),  # B1's lift
    ],
)


def test_a_redundant_feeder_keeps_its_building_supplied() -> None:
    out = cascade(RING, failing(RING, "T2"))
    assert names(RING, out.networks[Network.POWER]) == {"B3"}
    assert names(RING, out.assets) == {"T2"}
    assert names(RING, out.networks[Network.WATER]) == set()


def test_power_lost_stops_the_pump_and_the_lift_and_cuts_the_water() -> None:
    out = cascade(RING, failing(RING, "T1"))
    assert names(RING, out.networks[Network.POWER]) == {"B1"}  # B2 still has T2
    assert names(RING, out.networks[Network.WATER]) == {"B3"}  # through the pump T1 powered
    assert names(RING, out.assets) == {"T1", "P", "V", "L"}
    whole = cascade(RING, failing(RING, "S"))
    assert names(RING, whole.networks[Network.POWER]) == {"B1", "B2", "B3"}


def test_assets_already_down_are_not_blamed_on_the_failure() -> None:
    broken = projection(
        devices={"S": "substation", "T1": "transformer", "T2": "transformer"},
        buildings=["B1", "B2"],
        edges=[
            (FEEDS, "S", "T1"),
            (FEEDS, "S", "T2"),
            (SUPPLIES, "T1", "B1"),
            (SUPPLIES, "T2", "B2"),
        ],
        down=frozenset({"T2"}),
    )
    out = cascade(broken, failing(broken, "T1"))
    assert names(broken, out.networks[Network.POWER]) == {"B1"}  # B2 was out already


def cut_off(edges: list[tuple[EdgeType, str, str]], roots: list[str], gone: set[str]) -> set[str]:
    """The supplied buildings no root reaches once `gone` is removed (networkx)."""
    graph = nx.DiGraph([(s, t) for _, s, t in edges])
    graph.remove_nodes_from(gone)
    served = {t for kind, _, t in edges if kind == SUPPLIES}
    reached = set().union(*(nx.descendants(graph, r) for r in roots if r in graph))
    return served - reached


def test_random_networks_agree_with_networkx_connectivity() -> None:
    rng = random.Random(20261201)
    for _ in range(40):
        roots = [f"S{i}" for i in range(rng.randint(1, 3))]
        middle = [f"T{i}" for i in range(rng.randint(2, 30))]
        buildings = [f"B{i}" for i in range(rng.randint(5, 80))]
        kinds = {key: "substation" for key in roots} | {key: "transformer" for key in middle}
        edges: list[tuple[EdgeType, str, str]] = []
        for i, key in enumerate(middle):  # each fed by a root or an earlier transformer
            for _ in range(rng.choice((1, 1, 2))):
                edges.append((FEEDS, rng.choice(roots + middle[:i]), key))
        for key in buildings:
            for _ in range(rng.choice((0, 1, 1, 2))):
                edges.append((SUPPLIES, rng.choice(roots + middle), key))
        down = frozenset(k for k in middle if rng.random() < 0.05)
        failed = rng.sample(roots + middle, rng.randint(1, 4))
        p = projection(kinds, buildings, list(dict.fromkeys(edges)), down)
        out = cascade(p, failing(p, *failed))
        expected = cut_off(edges, roots, set(down) | set(failed)) - cut_off(edges, roots, set(down))
        assert names(p, out.networks[Network.POWER]) == expected

"""Spatial spread on hand-checked graphs: a flood on a three-storey building, a fire that
crosses to the building next door within the hop cutoff and not beyond it, a lift failure
that strands the upper floors, and the best path read back."""

from __future__ import annotations

import math

import numpy as np

from graph.model import EdgeType, Label
from risk.builder import ProjectionBuilder
from risk.projection import Projection
from risk.spread import NEIGHBOUR, NEIGHBOUR_FALLOFF_M, Hazard, path_to, spread


def block() -> Projection:
    """Building A (3 floors, no lift) with a household on each floor and one resident in
    each; building B 20 m away, with one household on floor 1."""
    builder = ProjectionBuilder(today="2026-12-01")
    builder.add_node(Label.BUILDING, "A", {"floors": 3, "has_elevator": False})
    builder.add_node(Label.BUILDING, "B", {"floors": 6, "has_elevator": True})
    for floor in (1, 2, 3):
        builder.add_node(Label.HOUSEHOLD, f"HA{floor}", {"floor": floor})
        builder.add_node(Label.RESIDENT, f"RA{floor}", {"birth_date": "1940-05-01"})
        builder.add_edge(EdgeType.RESIDES_IN, f"Household:HA{floor}", "Building:A")
        builder.add_edge(EdgeType.MEMBER_OF, f"Resident:RA{floor}", f"Household:HA{floor}")
    builder.add_node(Label.HOUSEHOLD, "HB1", {"floor": 1})
    builder.add_edge(EdgeType.RESIDES_IN, "Household:HB1", "Building:B")
    builder.add_edge(EdgeType.ADJACENT_TO, "Building:A", "Building:B", 20.0)
    return builder.build()


def at(p: Projection, *global_ids: str) -> np.ndarray:
    mask = np.zeros(p.size, dtype=bool)
    for global_id in global_ids:
        mask[p.index[global_id]] = True
    return mask


def prob(p: Projection, result: object, global_id: str) -> float:
    return float(result.probability[p.index[global_id]])  # type: ignore[attr-defined]


def test_a_flood_weighs_the_ground_floor() -> None:
    p = block()
    out = spread(p, Hazard.FLOOD, at(p, "Building:A"), max_hops=3)
    assert prob(p, out, "Household:HA1") == 1.0
    assert prob(p, out, "Household:HA2") == 0.3
    assert prob(p, out, "Household:HA3") == 0.05
    assert prob(p, out, "Resident:RA2") == 0.3  # a member shares the household's exposure


def test_fire_crosses_to_the_neighbour_within_the_cutoff_only() -> None:
    p = block()
    crossing = NEIGHBOUR[Hazard.FIRE] * math.exp(-20.0 / NEIGHBOUR_FALLOFF_M)
    near = spread(p, Hazard.FIRE, at(p, "Building:A"), max_hops=2)
    assert math.isclose(prob(p, near, "Building:B"), crossing)
    # HB1 on floor 1 of 6 with a lift: 0.6 + 0.4 / 6 of what reaches B.
    assert math.isclose(prob(p, near, "Household:HB1"), crossing * (0.6 + 0.4 / 6))
    short = spread(p, Hazard.FIRE, at(p, "Building:A"), max_hops=1)
    assert prob(p, short, "Building:B") > 0 and prob(p, short, "Household:HB1") == 0
    # The top floor of A, no lift, is the most exposed of A's households.
    floors = [prob(p, near, f"Household:HA{f}") for f in (1, 2, 3)]
    assert floors == sorted(floors) and floors[2] == 1.0


def test_a_lift_failure_strands_the_upper_floors_and_stays_in_its_building() -> None:
    p = block()
    out = spread(p, Hazard.ELEVATOR_FAILURE, at(p, "Building:A"), max_hops=4)
    assert prob(p, out, "Household:HA1") == 0 and prob(p, out, "Household:HA2") == 0
    assert math.isclose(prob(p, out, "Household:HA3"), 0.1)
    assert prob(p, out, "Building:B") == 0


def test_the_best_path_reads_back_from_the_source() -> None:
    p = block()
    out = spread(p, Hazard.GAS_LEAK, at(p, "Building:A"), max_hops=3)
    path = path_to(out, p.index["Resident:RA3"])
    assert [(p.ids[node], via) for node, via in path] == [
        ("Building:A", None),
        ("Household:HA3", EdgeType.RESIDES_IN),
        ("Resident:RA3", EdgeType.MEMBER_OF),
    ]

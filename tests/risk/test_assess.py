"""A whole assessment on a hand-checked street: a transformer's failure ranks the people it
leaves without power by their vulnerability, with the path and the factors that weighed them;
a hazard placed where it makes no sense is refused by name."""

from __future__ import annotations

import numpy as np
import pytest

from graph.errors import InvalidInputError
from graph.model import EdgeType, Label
from graph.model.enums import Severity
from risk.assess import RiskModel, assess
from risk.builder import ProjectionBuilder
from risk.places import in_grids
from risk.projection import Projection
from risk.response import response_plan
from risk.spread import Hazard

Extra = list[tuple[Label, str, dict[str, object]]]


def street(
    more_nodes: Extra | None = None, more_edges: list[tuple[EdgeType, str, str]] | None = None
) -> Projection:
    b = ProjectionBuilder(today="2026-12-01")
    for label, key, props in more_nodes or []:
        b.add_node(label, key, props)
    b.add_node(Label.GRID, "G", {})
    b.add_node(Label.DEVICE, "S", {"kind": "substation", "status": "online"})
    b.add_node(Label.DEVICE, "T", {"kind": "transformer", "status": "online"})
    b.add_node(Label.DEVICE, "T2", {"kind": "transformer", "status": "online"})
    b.add_edge(EdgeType.FEEDS, "Device:S", "Device:T")
    b.add_edge(EdgeType.FEEDS, "Device:S", "Device:T2")
    homes = {  # household: (building, floor, [(resident, birth date, tags)])
        "H1": ("B1", 14, [("R1", "1940-03-01", ["home_medical_device"])]),
        "H2": ("B1", 2, [("R2", "1990-01-01", []), ("R3", "1992-01-01", [])]),
        "H3": ("B2", 1, [("R4", "1950-01-01", [])]),
    }
    for building, powered_by in (("B1", "T"), ("B2", "T2")):
        b.add_node(Label.BUILDING, building, {"floors": 18, "has_elevator": False})
        b.add_edge(EdgeType.IN_GRID, f"Building:{building}", "Grid:G")
        b.add_edge(EdgeType.SUPPLIES, f"Device:{powered_by}", f"Building:{building}")
    for household, (building, floor, people) in homes.items():
        b.add_node(Label.HOUSEHOLD, household, {"floor": floor})
        b.add_edge(EdgeType.RESIDES_IN, f"Household:{household}", f"Building:{building}")
        for resident, born, tags in people:
            b.add_node(Label.RESIDENT, resident, {"birth_date": born, "tags": tags})
            b.add_edge(EdgeType.MEMBER_OF, f"Resident:{resident}", f"Household:{household}")
    for edge_type, source, target in more_edges or []:
        assert b.add_edge(edge_type, source, target)
    return b.build(seq=42)


def test_an_outage_ranks_the_people_it_reaches_by_vulnerability() -> None:
    p = street()
    result = assess(p, Hazard.POWER_OUTAGE, [p.index["Device:T"]], Severity.HIGH, first=10)
    assert result.model == RiskModel.CASCADE and result.seq == 42
    ranked = [p.ids[item.node] for item in result.items]
    assert ranked[0] == "Resident:R1"  # 86, alone, on a device, 14th floor without a lift
    assert "Resident:R4" not in ranked  # B2 keeps its own transformer
    assert set(ranked) == {
        "Building:B1", "Household:H1", "Household:H2", "Resident:R1", "Resident:R2", "Resident:R3",
    }  # fmt: skip
    top = result.items[0]
    assert [(p.ids[n], via) for n, via in top.path] == [
        ("Device:T", None),
        ("Building:B1", EdgeType.SUPPLIES),
        ("Household:H1", EdgeType.RESIDES_IN),
        ("Resident:R1", EdgeType.MEMBER_OF),
    ]
    assert {f[0] for f in top.factors} == {
        "age_80_plus", "lives_alone", "home_medical_device", "high_floor_no_lift",
    }  # fmt: skip
    assert top.score == 3.0 * (1 + 0.8 + 0.5 + 0.7 + 0.4)
    assert "age 86" in top.text_en and "lives alone" in top.text_en
    assert "86岁高龄" in top.text_zh and "独居" in top.text_zh
    assert result.affected[Label.RESIDENT] == 3
    assert result.by_grid == {p.index["Grid:G"]: (3, 1)}


def test_a_hazard_where_it_makes_no_sense_is_refused_by_name() -> None:
    p = street()
    with pytest.raises(InvalidInputError, match="sources: a flood cannot start at a Device"):
        assess(p, Hazard.FLOOD, [p.index["Device:T"]])
    with pytest.raises(InvalidInputError, match="model: CASCADE models outages"):
        assess(p, Hazard.FIRE, [p.index["Building:B1"]], model=RiskModel.CASCADE)
    with pytest.raises(InvalidInputError, match="maxHops"):
        assess(p, Hazard.FIRE, [p.index["Building:B1"]], max_hops=40)


def test_pagerank_puts_the_seeds_surroundings_first() -> None:
    p = street()
    result = assess(p, Hazard.FIRE, [p.index["Building:B1"]], model=RiskModel.PAGERANK, first=3)
    assert {p.ids[item.node] for item in result.items} <= {
        "Household:H1", "Household:H2", "Resident:R1", "Resident:R2", "Resident:R3",
        "Device:T",
    }  # fmt: skip


def test_weights_can_be_changed_and_unknown_ones_are_refused() -> None:
    p = street()
    heavier = assess(
        p, Hazard.POWER_OUTAGE, [p.index["Device:T"]], weights={"home_medical_device": 2.0}
    )
    top = heavier.items[0]
    assert p.ids[top.node] == "Resident:R1" and top.score == 2.0 * (1 + 0.8 + 0.5 + 2.0 + 0.4)
    with pytest.raises(ValueError, match="no factor lucky"):
        assess(p, Hazard.POWER_OUTAGE, [p.index["Device:T"]], weights={"lucky": 1.0})


def test_monte_carlo_gives_each_probability_an_interval_around_the_spread() -> None:
    p = street()
    source = [p.index["Building:B1"]]
    exact = assess(p, Hazard.FIRE, source, model=RiskModel.SPREAD, first=10)
    sampled = assess(p, Hazard.FIRE, source, model=RiskModel.MONTE_CARLO, first=10)
    assert sampled.model == RiskModel.MONTE_CARLO
    # The street has one path to each node, so the best path's probability is the exact
    # chance of being reached: each 95 % interval holds it.
    best = {item.node: item.probability for item in exact.items}
    assert {i.node for i in sampled.items} == set(best)
    for item in sampled.items:
        assert item.interval is not None
        low, high = item.interval
        assert low <= best[item.node] <= high, p.ids[item.node]


def test_the_response_plan_names_who_to_tell_for_each_vulnerable_person() -> None:
    whole = street(
        [
            (Label.GRID, "C", {}),
            (Label.RESIDENT, "W1", {"birth_date": "1985-01-01"}),  # worker of grid G
            (Label.RESIDENT, "W2", {"birth_date": "1980-01-01"}),  # worker of community C
            (Label.RESIDENT, "K1", {"birth_date": "1970-01-01"}),  # R1's daughter
            (Label.ORGANISATION, "PM", {}),
        ],
        [
            (EdgeType.PART_OF, "Grid:G", "Grid:C"),
            (EdgeType.GRID_WORKER_OF, "Resident:W1", "Grid:G"),
            (EdgeType.GRID_WORKER_OF, "Resident:W2", "Grid:C"),
            (EdgeType.EMERGENCY_CONTACT_OF, "Resident:K1", "Resident:R1"),
            (EdgeType.CARES_FOR, "Resident:K1", "Resident:R1"),
            (EdgeType.MANAGES, "Organisation:PM", "Building:B1"),
        ],
    )
    result = assess(whole, Hazard.POWER_OUTAGE, [whole.index["Device:T"]], first=10)
    plan = response_plan(whole, result)
    assert [whole.ids[n.resident] for n in plan] == ["Resident:R1"]  # the one vulnerable
    told = {(whole.ids[c.node], c.role) for c in plan[0].contacts}
    assert told == {
        ("Resident:W1", "grid_worker"),
        ("Resident:W2", "grid_worker"),
        ("Resident:K1", "carer"),
        ("Resident:K1", "emergency_contact"),
        ("Organisation:PM", "property_company"),
    }


def test_an_assessment_kept_to_some_grids_ranks_only_what_lies_in_them() -> None:
    p = street(
        [(Label.GRID, "G2", {}), (Label.GRID, "C", {})],
        [(EdgeType.PART_OF, "Grid:G", "Grid:C"), (EdgeType.PART_OF, "Grid:G2", "Grid:C")],
    )
    grids = np.zeros(p.size, dtype=bool)
    grids[p.index["Grid:G2"]] = True
    nowhere = assess(p, Hazard.POWER_OUTAGE, [p.index["Device:S"]], within=in_grids(p, grids))
    assert nowhere.items == []  # everything lies in grid G
    grids[p.index["Grid:C"]] = True  # the community holds G
    whole = assess(p, Hazard.POWER_OUTAGE, [p.index["Device:S"]], within=in_grids(p, grids))
    ranked = {p.ids[i.node] for i in whole.items}
    assert "Resident:R4" in ranked and "Building:B1" in ranked
    people = assess(
        p, Hazard.POWER_OUTAGE, [p.index["Device:S"]], labels=(Label.RESIDENT,), first=50
    )
    assert {p.ids[i.node].split(":")[0] for i in people.items} == {"Resident"}

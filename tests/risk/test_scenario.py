"""Tabletop exercises on the hand-checked street: a transformer failure and a fire evaluated
together, with backup power and an evacuation sparing the people they should, and a flood
barrier weakening a flood; nothing written, bad inputs refused by name."""

from __future__ import annotations

import pytest

from graph.errors import InvalidInputError
from graph.model.enums import Severity
from risk.scenario import Event, Mitigation, run_scenario
from risk.spread import Hazard
from tests.risk.test_assess import street


def test_backup_power_spares_the_building_the_failure_cuts_off() -> None:
    p = street()
    t, b1 = p.index["Device:T"], p.index["Building:B1"]
    out = run_scenario(p, [t], [], [(b1, Mitigation.BACKUP_POWER)])
    assert out.without.residents == 3 and out.with_mitigations.residents == 0
    assert {p.ids[i] for i in out.spared} == {"Resident:R1", "Resident:R2", "Resident:R3"}
    assert out.without.vulnerable == 1  # R1


def test_evacuation_spares_people_from_a_fire_and_a_barrier_weakens_a_flood() -> None:
    p = street()
    b1, b2 = p.index["Building:B1"], p.index["Building:B2"]
    fire = Event(b1, Hazard.FIRE, Severity.CRITICAL)
    out = run_scenario(p, [], [fire], [(b1, Mitigation.EVACUATED)])
    assert out.without.residents == 3 and out.with_mitigations.residents == 0
    flood = Event(b2, Hazard.FLOOD, Severity.HIGH)
    barred = run_scenario(p, [], [flood], [(b2, Mitigation.FLOOD_BARRIER)])
    r4 = p.index["Resident:R4"]
    assert barred.with_mitigations.score[r4] == pytest.approx(0.2 * barred.without.score[r4])
    assert barred.spared == []  # weakened, not spared


def test_events_combine_by_the_worst_and_bad_inputs_are_refused() -> None:
    p = street()
    t, b1, b2 = p.index["Device:T"], p.index["Building:B1"], p.index["Building:B2"]
    both = run_scenario(p, [t], [Event(b2, Hazard.GAS_LEAK)], [])
    assert both.without.residents == 4  # B1's three by the outage, B2's one by the leak
    with pytest.raises(InvalidInputError, match="failures: Building:B1 is not an asset"):
        run_scenario(p, [b1], [], [])
    with pytest.raises(InvalidInputError, match="mitigations: Device:T is not a building"):
        run_scenario(p, [t], [], [(t, Mitigation.EVACUATED)])
    with pytest.raises(InvalidInputError, match="give failures or hazards"):
        run_scenario(p, [], [], [])

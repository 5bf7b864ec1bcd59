"""Tabletop exercises (桌面推演): hypothetical asset failures and hazards evaluated together,
without writing anything, with and without mitigations, to see what the mitigations spare.
Each event's exposure is computed as an assessment would; a node's risk is the worst any
event gives it (severity × probability, × vulnerability for people)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from graph.errors import InvalidInputError
from graph.model import Label
from graph.model.enums import Severity
from risk.assess import SEVERITY, RiskModel, run_model, seeds_of
from risk.places import housed
from risk.projection import Bools, Floats, Projection
from risk.spread import Hazard
from risk.vulnerability import vulnerability


class Mitigation(StrEnum):
    BACKUP_POWER = "backup_power"  # the building keeps power whatever the grid does
    EVACUATED = "evacuated"  # its households have left: no one there is exposed
    FLOOD_BARRIER = "flood_barrier"  # a flood reaches it at a fifth of its strength


FLOOD_BARRIER_SHARE = 0.2


@dataclass
class Event:
    at: int
    hazard: Hazard
    severity: Severity = Severity.HIGH


@dataclass
class Outcome:
    """Of one run (with or without the mitigations)."""

    score: Floats
    residents: int
    vulnerable: int
    total: float


@dataclass
class Scenario:
    without: Outcome
    with_mitigations: Outcome
    spared: list[int]  # residents exposed without the mitigations and not with them


def _outcome(p: Projection, score: Floats, vulnerable: Bools) -> Outcome:
    residents = p.of_label(Label.RESIDENT) & (score > 0)
    return Outcome(
        score, int(residents.sum()), int((residents & vulnerable).sum()), float(score.sum())
    )


def run_scenario(
    p: Projection,
    failures: list[int],
    events: list[Event],
    mitigations: list[tuple[int, Mitigation]],
    max_hops: int = 4,
) -> Scenario:
    if not failures and not events:
        raise InvalidInputError(["input: give failures or hazards to exercise"])
    people = vulnerability(p)
    factor = np.where(p.of_label(Label.RESIDENT), people.weight, 1.0)
    buildings = p.of_label(Label.BUILDING)
    covered: dict[Mitigation, Bools] = {kind: np.zeros(p.size, dtype=bool) for kind in Mitigation}
    for at, kind in mitigations:
        if not buildings[at]:
            raise InvalidInputError([f"mitigations: {p.ids[at]} is not a building"])
        covered[kind][at] = True
    shelter = {kind: housed(p, mask) for kind, mask in covered.items()}
    runs: list[tuple[Floats, Hazard | None]] = []
    if failures:
        failed = np.zeros(p.size, dtype=bool)
        for at in failures:
            if not p.of_label(Label.DEVICE)[at]:
                raise InvalidInputError([f"failures: {p.ids[at]} is not an asset (a Device)"])
            failed[at] = True
        paths, exposed, _ = run_model(p, Hazard.POWER_OUTAGE, RiskModel.CASCADE, failed, max_hops)
        runs.append((SEVERITY[Severity.HIGH] * paths.probability * exposed, None))
    for n, event in enumerate(events):
        try:
            seeds = seeds_of(p, event.hazard, [event.at])
        except InvalidInputError as exc:
            why = exc.problems[0].removeprefix("sources: ")
            raise InvalidInputError([f"hazards[{n}].at: {why}"]) from None
        model = RiskModel.CASCADE if event.hazard.value.endswith("outage") else RiskModel.SPREAD
        paths, exposed, _ = run_model(p, event.hazard, model, seeds, max_hops)
        runs.append((SEVERITY[event.severity] * paths.probability * exposed, event.hazard))
    plain = np.zeros(p.size)
    mitigated = np.zeros(p.size)
    for score, hazard in runs:
        plain = np.maximum(plain, score)
        kept = np.where(shelter[Mitigation.EVACUATED] & ~buildings, 0.0, score)
        if hazard is None or hazard == Hazard.POWER_OUTAGE:
            kept = np.where(shelter[Mitigation.BACKUP_POWER], 0.0, kept)
        if hazard == Hazard.FLOOD:
            kept = np.where(shelter[Mitigation.FLOOD_BARRIER], kept * FLOOD_BARRIER_SHARE, kept)
        mitigated = np.maximum(mitigated, kept)
    plain, mitigated = plain * factor, mitigated * factor
    residents = p.of_label(Label.RESIDENT)
    spared = np.flatnonzero(residents & (plain > 0) & (mitigated == 0))
    return Scenario(
        _outcome(p, plain, people.weight > 1),
        _outcome(p, mitigated, people.weight > 1),
        [int(i) for i in spared],
    )

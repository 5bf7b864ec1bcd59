"""A risk assessment: a hazard at some sources, run through the model that suits it, ranked
by score (severity × probability, × vulnerability for people), each ranked node with the path
its exposure came by and the factors that weighed it, as data and as a sentence in Chinese
and English."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

from graph.errors import InvalidInputError
from graph.model import EdgeType, Label
from graph.model.enums import Severity
from risk.montecarlo import independent_cascade
from risk.pagerank import Walk, personalised_pagerank, walk_matrix
from risk.projection import Bools, Floats, Projection
from risk.spread import SPREADING, Hazard, Spread, Step, path_to, propagate, spread, steps_of
from risk.supply import Network, cascade
from risk.vulnerability import described, vulnerability


class RiskModel(StrEnum):
    CASCADE = "cascade"  # supply cascade (outages)
    SPREAD = "spread"  # best-path exposure (leaks, fires, floods, lifts)
    PAGERANK = "pagerank"  # personalised PageRank: what is most exposed overall
    MONTE_CARLO = "monte_carlo"  # independent cascades: probabilities with intervals


MONTE_CARLO_SAMPLES = 1000
SEVERITY = {Severity.LOW: 1.0, Severity.MEDIUM: 2.0, Severity.HIGH: 3.0, Severity.CRITICAL: 4.0}
OUTAGES = {
    Hazard.POWER_OUTAGE: Network.POWER,
    Hazard.WATER_OUTAGE: Network.WATER,
    Hazard.GAS_OUTAGE: Network.GAS,
}
RANKED = (Label.RESIDENT, Label.HOUSEHOLD, Label.BUILDING, Label.DEVICE)
# Where each hazard may be placed (an incident stands for its places and devices).
PLACES: dict[Hazard, frozenset[Label]] = {
    **dict.fromkeys(OUTAGES, frozenset({Label.DEVICE, Label.INCIDENT})),
    Hazard.GAS_LEAK: frozenset({Label.BUILDING, Label.GRID, Label.DEVICE, Label.INCIDENT}),
    Hazard.FIRE: frozenset({Label.BUILDING, Label.GRID, Label.DEVICE, Label.INCIDENT}),
    Hazard.FLOOD: frozenset({Label.BUILDING, Label.GRID, Label.INCIDENT}),
    Hazard.ELEVATOR_FAILURE: frozenset({Label.BUILDING, Label.DEVICE, Label.INCIDENT}),
}
HAZARD_WORDS = {
    Hazard.POWER_OUTAGE: ("停电", "power outage"),
    Hazard.WATER_OUTAGE: ("停水", "water outage"),
    Hazard.GAS_OUTAGE: ("停气", "gas outage"),
    Hazard.GAS_LEAK: ("燃气泄漏", "gas leak"),
    Hazard.FIRE: ("火灾", "fire"),
    Hazard.FLOOD: ("内涝", "flood"),
    Hazard.ELEVATOR_FAILURE: ("电梯故障", "lift failure"),
}


@dataclass
class Ranked:
    node: int
    score: float
    probability: float
    path: list[tuple[int, EdgeType | None]]
    factors: list[tuple[str, float, str, str]]
    text_zh: str
    text_en: str
    interval: tuple[float, float] | None = None  # 95 % (Monte Carlo only)


@dataclass
class Assessment:
    hazard: Hazard
    model: RiskModel
    items: list[Ranked]
    affected: dict[Label, int]
    exposed: Bools  # every node with a probability above zero
    scores: Floats  # every node's score (0 where not exposed)
    vulnerable: Bools  # residents with any vulnerability factor
    took_ms: float
    seq: int
    by_grid: dict[int, tuple[int, int]] = field(default_factory=dict)  # grid: (people, vulnerable)


def seeds_of(p: Projection, hazard: Hazard, sources: list[int]) -> Bools:
    """The nodes a hazard starts from: the sources, an incident's places and devices, a
    device's building (for a hazard that spreads)."""
    seeds = np.zeros(p.size, dtype=bool)
    for source in sources:
        label = Label(p.ids[source].split(":", 1)[0])
        if label not in PLACES[hazard]:
            raise InvalidInputError(
                [f"sources: a {hazard.value} cannot start at a {label.value} ({p.ids[source]})"]
            )
        seeds[source] = True
    incidents = seeds & p.of_label(Label.INCIDENT)
    outward = [EdgeType.OCCURRED_AT, EdgeType.RAISED_BY, EdgeType.INVOLVES]
    for edge_type in outward:
        seeds |= (p.matrix(edge_type).T @ incidents.astype(np.float64)) > 0
    if hazard in SPREADING:
        devices = seeds & p.of_label(Label.DEVICE)
        seeds |= (p.matrix(EdgeType.INSTALLED_IN).T @ devices.astype(np.float64)) > 0
    return seeds & ~p.of_label(Label.INCIDENT)


def _downstream(p: Projection) -> list[Step]:
    """The steps an outage travels: along the networks, into homes, to their members (made
    once per projection)."""
    return p.derive("downstream", lambda: _downstream_steps(p))


def _downstream_steps(p: Projection) -> list[Step]:
    return [
        (EdgeType.FEEDS, False, p.matrix(EdgeType.FEEDS)),
        (EdgeType.SUPPLIES, False, p.matrix(EdgeType.SUPPLIES)),
        (EdgeType.RESIDES_IN, True, sp.csr_array(p.matrix(EdgeType.RESIDES_IN).T)),
        (EdgeType.MEMBER_OF, True, sp.csr_array(p.matrix(EdgeType.MEMBER_OF).T)),
        (EdgeType.INSTALLED_IN, True, sp.csr_array(p.matrix(EdgeType.INSTALLED_IN).T)),
    ]


Interval = tuple[Floats, Floats] | None


def run_model(
    p: Projection, hazard: Hazard, model: RiskModel, seeds: Bools, max_hops: int
) -> tuple[Spread, Bools, Interval]:
    """The model's probabilities with the paths they came by, what it exposes, and the 95 %
    interval of each probability where the model gives one."""
    if model == RiskModel.CASCADE:
        if hazard not in OUTAGES:
            raise InvalidInputError([f"model: CASCADE models outages, not a {hazard.value}"])
        out = cascade(p, seeds & p.of_label(Label.DEVICE))
        steps = _downstream(p)
        cut = out.assets | out.buildings | seeds
        homes = (steps[2][2].T @ out.buildings.astype(np.float64)) > 0
        people = (steps[3][2].T @ homes.astype(np.float64)) > 0
        within = cut | homes | people
        paths = propagate(p, steps, seeds, max_hops + 8, within)
        return paths, within & (paths.probability > 0), None
    if model in (RiskModel.SPREAD, RiskModel.MONTE_CARLO):
        if hazard not in SPREADING:
            raise InvalidInputError(
                [f"model: {model.name} models spreading hazards, not a {hazard.value}"]
            )
        paths = spread(p, hazard, seeds, max_hops)
        if model == RiskModel.SPREAD:
            return paths, paths.probability > 0, None
        sim = independent_cascade(p, steps_of(p, hazard), seeds, MONTE_CARLO_SAMPLES, max_hops)
        found = Spread(sim.probability, paths.previous, paths.via, paths.steps)
        return found, sim.probability > 0, (sim.low, sim.high)
    near = spread(p, hazard, seeds, max_hops) if hazard in SPREADING else None
    walk = p.derive("walk", lambda: Walk.of(walk_matrix(p, dict.fromkeys(EdgeType, 1.0))))
    rank = personalised_pagerank(walk, seeds.astype(np.float64))
    paths = near or propagate(p, _downstream(p), seeds, max_hops)
    reach = paths.probability > 0  # ranked within the hops, by the walk's weight
    return Spread(rank / rank.max(), paths.previous, paths.via, paths.steps), reach, None


def assess(
    p: Projection,
    hazard: Hazard,
    sources: list[int],
    severity: Severity = Severity.MEDIUM,
    model: RiskModel | None = None,
    max_hops: int = 4,
    first: int = 20,
    labels: tuple[Label, ...] = RANKED,
    within: Bools | None = None,
    weights: dict[str, float] | None = None,
) -> Assessment:
    """Assess `hazard` at `sources`; rank the nodes of `labels`. With `within`, everything
    reported (ranking, counts, exposure per grid) keeps to those nodes; the hazard itself
    travels where it travels."""
    started = time.perf_counter()
    if not sources:
        raise InvalidInputError(["sources: give at least one source"])
    if not 1 <= max_hops <= 12:
        raise InvalidInputError(["maxHops: give 1 to 12"])
    if not 1 <= first <= 1000:
        raise InvalidInputError(["first: give 1 to 1000"])
    chosen = model or (RiskModel.CASCADE if hazard in OUTAGES else RiskModel.SPREAD)
    seeds = seeds_of(p, hazard, sources)
    paths, exposed, interval = run_model(p, hazard, chosen, seeds, max_hops)
    if within is not None:
        exposed = exposed & within
    people = vulnerability(p, weights)
    factor = np.where(p.of_label(Label.RESIDENT), people.weight, 1.0)
    score = SEVERITY[severity] * paths.probability * factor * exposed
    wanted = np.zeros(p.size, dtype=bool)
    for label in labels:
        wanted |= p.of_label(label)
    candidates = np.flatnonzero(wanted & exposed & ~seeds)
    order = candidates[np.argsort(-score[candidates], kind="stable")][:first]
    items = []
    for node in order:
        path = path_to(paths, int(node))
        factors = described(people, int(node)) if p.ids[node].startswith("Resident:") else []
        items.append(
            Ranked(
                int(node),
                float(score[node]),
                float(paths.probability[node]),
                path,
                factors,
                *sentences(p, hazard, path, factors),
                (float(interval[0][node]), float(interval[1][node])) if interval else None,
            )
        )
    affected = {label: int((exposed & p.of_label(label)).sum()) for label in RANKED}
    return Assessment(
        hazard,
        chosen,
        items,
        affected,
        exposed,
        score,
        p.of_label(Label.RESIDENT) & (people.weight > 1),
        round((time.perf_counter() - started) * 1000, 2),
        p.seq,
        _by_grid(p, exposed, people.weight > 1),
    )


def sentences(
    p: Projection,
    hazard: Hazard,
    path: list[tuple[int, EdgeType | None]],
    factors: list[tuple[str, float, str, str]],
) -> tuple[str, str]:
    """The reason for one ranked node in a line of Chinese and one of English."""
    words = HAZARD_WORDS[hazard]
    start, end = p.ids[path[0][0]], p.ids[path[-1][0]]
    chain = " → ".join(p.ids[node] for node, _ in path)
    via = ", ".join(str(edge) for _, edge in path[1:] if edge is not None)
    zh_factors = "（" + "、".join(f[2] for f in factors) + "）" if factors else ""
    en_factors = " (" + ", ".join(f[3] for f in factors) + ")" if factors else ""
    zh = f"{start}{words[0]}经 {chain} 波及 {end}{zh_factors}"
    en = f"{words[1]} at {start} reaches {end} through {via or 'itself'}{en_factors}"
    return zh, en


def _resident_grid(p: Projection) -> sp.csr_array:
    """Resident × grid: 1 where the resident's building lies in the grid."""
    placed = sp.csr_array(
        p.matrix(EdgeType.MEMBER_OF) @ p.matrix(EdgeType.RESIDES_IN) @ p.matrix(EdgeType.IN_GRID)
    )
    placed.data[:] = 1.0
    return placed


def _by_grid(p: Projection, exposed: Bools, vulnerable: Bools) -> dict[int, tuple[int, int]]:
    """Exposed residents, and the vulnerable among them, per grid their building lies in."""
    residents = (exposed & p.of_label(Label.RESIDENT)).astype(np.float64)
    placed = p.derive("resident_grid", lambda: _resident_grid(p))
    people = placed.T @ residents
    weak = placed.T @ (residents * vulnerable)
    return {int(g): (int(people[g]), int(weak[g])) for g in np.flatnonzero(people > 0)}

"""Spatial and structural spread (GAS_LEAK, FIRE, FLOOD, ELEVATOR_FAILURE): exposure flows
from the hazard's places through buildings' neighbours (`ADJACENT_TO`, falling off with the
distance), into the households living there (weighted by their floor as the hazard
weighs floors), to their members, and to the devices installed there. Each node's
probability is that of its best path (the largest product of transmissions), within a hop
cutoff; each remembers the step its best path arrived by, so the path can be read back.
Vectorised: one sparse column-maximum per relationship type and hop."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graph.model import EdgeType, Label
from risk.projection import Bools, Floats, Projection


class Hazard(StrEnum):
    POWER_OUTAGE = "power_outage"
    WATER_OUTAGE = "water_outage"
    GAS_OUTAGE = "gas_outage"
    GAS_LEAK = "gas_leak"
    FIRE = "fire"
    FLOOD = "flood"
    ELEVATOR_FAILURE = "elevator_failure"


SPREADING = (Hazard.GAS_LEAK, Hazard.FIRE, Hazard.FLOOD, Hazard.ELEVATOR_FAILURE)
# How much of a hazard crosses to a neighbouring building at distance 0 (it falls off by
# e^(-d / NEIGHBOUR_FALLOFF_M)); a lift's failure stays in its building.
NEIGHBOUR = {
    Hazard.GAS_LEAK: 0.5,
    Hazard.FIRE: 0.4,
    Hazard.FLOOD: 0.8,
    Hazard.ELEVATOR_FAILURE: 0.0,
}
NEIGHBOUR_FALLOFF_M = 40.0
UNKNOWN_FLOOR = 3.0  # assumed where a household's floor is not recorded


def floor_weight(hazard: Hazard, floor: Floats, floors: Floats, lift: Floats) -> Floats:
    """How much of a hazard at its building reaches a household on `floor` (of `floors`,
    with a lift or not: 1, 0 or NaN unknown)."""
    level = np.where(np.isnan(floor), UNKNOWN_FLOOR, floor)
    no_lift = np.nan_to_num(lift, nan=0.0) == 0
    if hazard == Hazard.FLOOD:  # water rises from the ground: the ground floor first
        return np.select([level <= 1, level == 2], [1.0, 0.3], 0.05)
    if hazard == Hazard.FIRE:  # higher is harder to leave, without a lift harder still
        height = np.where(np.isnan(floors), np.maximum(level, 6.0), np.maximum(floors, 1.0))
        return np.clip(0.6 + 0.4 * level / height + np.where(no_lift & (level >= 4), 0.2, 0), 0, 1)
    if hazard == Hazard.ELEVATOR_FAILURE:  # stranded upstairs: more with every floor
        return np.clip((level - 2) / 10, 0, 1)
    return np.ones_like(level)


@dataclass
class Spread:
    """Each node's best-path probability, and the step its best path arrived by."""

    probability: Floats
    previous: npt.NDArray[np.int64]  # the node before it on its best path (-1: a source)
    via: npt.NDArray[np.int64]  # index into `steps` of the relationship it came through
    steps: list[tuple[EdgeType, bool]]  # (type, walked against its direction)


Step = tuple[EdgeType, bool, sp.csr_array]  # a type, walked against it or not, from × to


def _of_building(building_of: sp.csr_array, values: Floats) -> Floats:
    """Each household's value of its building's attribute (NaN: none known)."""
    known = np.where(np.isnan(values), 0.0, values + 2.0)  # known values shifted above 0
    found = sp.csr_array(building_of.multiply(known[None, :])).max(axis=1).toarray().ravel()
    return np.where(found > 0, found - 2.0, np.nan)


def steps_of(p: Projection, hazard: Hazard) -> list[Step]:
    """Each step exposure may take: its relationship type, whether it runs against the
    relationship's direction, and the transmission matrix (from × to); made once per
    projection and hazard."""
    return p.derive(("steps", hazard), lambda: _steps(p, hazard))


def _steps(p: Projection, hazard: Hazard) -> list[Step]:
    households = p.of_label(Label.HOUSEHOLD)
    building_of = p.matrix(EdgeType.RESIDES_IN)  # household × building
    # In double precision: attributes are kept in single.
    floors = _of_building(building_of, p.attrs["floors"].astype(np.float64))
    lift = _of_building(building_of, p.attrs["has_elevator"].astype(np.float64))
    floor = p.attrs["floor"].astype(np.float64)
    weight = np.where(households, floor_weight(hazard, floor, floors, lift), 0.0)
    into_homes = sp.csr_array(building_of.T @ sp.diags_array(weight))
    steps: list[Step] = [
        (EdgeType.RESIDES_IN, True, into_homes),
        (EdgeType.MEMBER_OF, True, sp.csr_array(p.matrix(EdgeType.MEMBER_OF).T)),
        (EdgeType.INSTALLED_IN, True, sp.csr_array(p.matrix(EdgeType.INSTALLED_IN).T)),
        (EdgeType.IN_GRID, True, sp.csr_array(p.matrix(EdgeType.IN_GRID).T)),
    ]
    share = NEIGHBOUR[hazard]
    if share > 0:
        adjacent = p.matrix(EdgeType.ADJACENT_TO)
        near = adjacent.copy()
        near.data = share * np.exp(-near.data / NEIGHBOUR_FALLOFF_M)
        steps.append((EdgeType.ADJACENT_TO, False, near))
        steps.append((EdgeType.ADJACENT_TO, True, sp.csr_array(near.T)))
    return steps


def propagate(
    p: Projection, steps: list[Step], sources: Bools, max_hops: int, within: Bools | None = None
) -> Spread:
    """Best-path probabilities from `sources` (probability 1) along `steps`, at most
    `max_hops` of them, reaching only nodes `within` (None: any). Each hop relaxes only the
    edges leaving the nodes the hop before improved (the rest offer what they offered)."""
    probability = sources.astype(np.float64)
    previous = np.full(p.size, -1, dtype=np.int64)
    via = np.full(p.size, -1, dtype=np.int64)
    changed = np.flatnonzero(sources)
    for _ in range(max_hops):
        if len(changed) == 0:
            break
        best = probability.copy()
        for k, (_, _, matrix) in enumerate(steps):
            offers = sp.coo_array(matrix[changed])
            if offers.nnz == 0:
                continue
            values = offers.data * probability[changed][offers.row]
            order = np.lexsort((-values, offers.col))  # by target, the best offer first
            targets, first = np.unique(offers.col[order], return_index=True)
            top = values[order][first]
            better = top > best[targets] + 1e-15
            if within is not None:
                better &= within[targets]
            won = targets[better]
            best[won] = top[better]
            previous[won] = changed[offers.row[order][first][better]]
            via[won] = k
        changed = np.flatnonzero(best > probability)
        probability = best
    return Spread(probability, previous, via, [(t, back) for t, back, _ in steps])


def spread(p: Projection, hazard: Hazard, sources: Bools, max_hops: int) -> Spread:
    """Best-path probabilities from `sources` (probability 1), at most `max_hops` steps."""
    return propagate(p, steps_of(p, hazard), sources, max_hops)


def path_to(result: Spread, node: int, limit: int = 16) -> list[tuple[int, EdgeType | None]]:
    """The best path to `node`, from its source: (node, the relationship it was reached by)."""
    path: list[tuple[int, EdgeType | None]] = []
    at = node
    while at >= 0 and len(path) < limit:
        step = result.via[at]
        path.append((at, result.steps[step][0] if step >= 0 else None))
        at = int(result.previous[at])
    path.reverse()
    return path

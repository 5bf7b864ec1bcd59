"""Where nodes lie: the grids each node is placed in (through its household, building or
place), as masks over the projection."""

from __future__ import annotations

import numpy as np

from graph.model import EdgeType
from risk.projection import Bools, Projection


def below(p: Projection, grids: Bools) -> Bools:
    """`grids` and every grid under them (`PART_OF`, any depth)."""
    children = p.matrix(EdgeType.PART_OF)  # child × parent
    found = grids.copy()
    while True:
        grown = found | ((children @ found.astype(np.float64)) > 0)
        if (grown == found).all():
            return found
        found = grown


def housed(p: Projection, buildings: Bools) -> Bools:
    """The buildings, their households, those households' members and installed devices."""
    homes = (p.matrix(EdgeType.RESIDES_IN) @ buildings.astype(np.float64)) > 0
    people = (p.matrix(EdgeType.MEMBER_OF) @ homes.astype(np.float64)) > 0
    devices = (p.matrix(EdgeType.INSTALLED_IN) @ buildings.astype(np.float64)) > 0
    return buildings | homes | people | devices


def _incidents_at(p: Projection, places: Bools) -> Bools:
    return (p.matrix(EdgeType.OCCURRED_AT) @ places.astype(np.float64)) > 0


def in_grids(p: Projection, grids: Bools) -> Bools:
    """The nodes placed in `grids` or any grid below them (the grids included)."""
    area = below(p, grids)
    buildings = (p.matrix(EdgeType.IN_GRID) @ area.astype(np.float64)) > 0
    return area | housed(p, buildings) | _incidents_at(p, buildings | area)


def managed_by(p: Projection, organisations: Bools) -> Bools:
    """The organisations, the buildings they manage, those buildings' households, members,
    devices and incidents."""
    buildings = (p.matrix(EdgeType.MANAGES).T @ organisations.astype(np.float64)) > 0
    return organisations | housed(p, buildings) | _incidents_at(p, buildings)

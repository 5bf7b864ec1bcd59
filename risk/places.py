"""Where nodes lie: the grids each node is placed in (through its household, building or
place), as masks over the projection."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from graph.model import EdgeType, Label
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


def in_grids(p: Projection, grids: Bools) -> Bools:
    """The nodes placed in `grids` or any grid below them (the grids included)."""
    area = below(p, grids)
    buildings = (p.matrix(EdgeType.IN_GRID) @ area.astype(np.float64)) > 0
    homes = (p.matrix(EdgeType.RESIDES_IN) @ buildings.astype(np.float64)) > 0
    people = (p.matrix(EdgeType.MEMBER_OF) @ homes.astype(np.float64)) > 0
    devices = (p.matrix(EdgeType.INSTALLED_IN) @ buildings.astype(np.float64)) > 0
    placed_at = sp.csr_array(p.matrix(EdgeType.OCCURRED_AT))
    incidents = (placed_at @ (buildings | area).astype(np.float64)) > 0
    return area | buildings | homes | people | devices | (incidents & p.of_label(Label.INCIDENT))


def managed_by(p: Projection, organisations: Bools) -> Bools:
    """The organisations, the buildings they manage, those buildings' households, members,
    devices and incidents."""
    buildings = (p.matrix(EdgeType.MANAGES).T @ organisations.astype(np.float64)) > 0
    homes = (p.matrix(EdgeType.RESIDES_IN) @ buildings.astype(np.float64)) > 0
    people = (p.matrix(EdgeType.MEMBER_OF) @ homes.astype(np.float64)) > 0
    devices = (p.matrix(EdgeType.INSTALLED_IN) @ buildings.astype(np.float64)) > 0
    incidents = (p.matrix(EdgeType.OCCURRED_AT) @ buildings.astype(np.float64)) > 0
    return organisations | buildings | homes | people | devices | incidents

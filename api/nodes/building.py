"""Building: a place where households live and organisations sit (地)."""

from __future__ import annotations

import strawberry

from api.nodes.base import Node, connection, node_type, to_one
from api.nodes.saved_risk import RISK_DESCRIPTION, SavedRisk, with_saved_risk
from graph.model import EdgeType as E
from graph.model import Label
from graph.records import Direction

OUT, IN, BOTH = Direction.OUT, Direction.IN, Direction.BOTH
L = Label


@node_type(L.BUILDING, with_saved_risk)
class Building(Node):
    risk: SavedRisk | None = strawberry.field(description=RISK_DESCRIPTION)

    households = connection(E.RESIDES_IN, IN, L.HOUSEHOLD)

    grid = to_one(E.IN_GRID, OUT, L.GRID)

    devices = connection(
        E.INSTALLED_IN,
        IN,
        L.DEVICE,
        description="Devices installed in the building.",
    )

    supplied_by = connection(
        E.SUPPLIES,
        IN,
        L.DEVICE,
        description="Utility assets supplying the building.",
    )

    managed_by = connection(
        E.MANAGES,
        IN,
        L.ORGANISATION,
        description="Property-management companies of the building.",
    )

    organisations = connection(
        E.LOCATED_IN,
        IN,
        L.ORGANISATION,
        description="Organisations located in the building.",
    )

    adjacent = connection(E.ADJACENT_TO, BOTH, L.BUILDING)

    incidents = connection(E.OCCURRED_AT, IN, L.INCIDENT)

"""Device: an IoT sensor or a utility asset (物), and the network that feeds buildings."""

from __future__ import annotations

import strawberry

from api.nodes.base import Node, connection, node_type, to_one
from api.nodes.saved_risk import RISK_DESCRIPTION, SavedRisk, with_saved_risk
from graph.model import EdgeType as E
from graph.model import Label
from graph.records import Direction

OUT, IN = Direction.OUT, Direction.IN
L = Label


@node_type(L.DEVICE, with_saved_risk)
class Device(Node):
    risk: SavedRisk | None = strawberry.field(description=RISK_DESCRIPTION)

    installed_in = to_one(E.INSTALLED_IN, OUT, L.BUILDING)

    supplied_buildings = connection(
        E.SUPPLIES,
        OUT,
        L.BUILDING,
        description="Buildings this utility asset supplies.",
    )

    feeds = connection(E.FEEDS, OUT, L.DEVICE, description="Downstream assets this one feeds.")

    fed_by = to_one(E.FEEDS, IN, L.DEVICE, description="The upstream asset feeding this one.")

    involved_in = connection(
        E.INVOLVES, IN, L.INCIDENT, description="Incidents this device is involved in."
    )

    incidents = connection(E.RAISED_BY, IN, L.INCIDENT, description="Incidents this device raised.")

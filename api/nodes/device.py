"""Device: an IoT sensor or a utility asset (物), and the network that feeds buildings."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.nodes.base import Node, connection, node_type
from api.nodes.building import Building
from api.nodes.related import one
from graph.model import EdgeType as E
from graph.model import Label
from graph.records import Direction

OUT, IN = Direction.OUT, Direction.IN
L = Label


@node_type(L.DEVICE)
class Device(Node):
    @strawberry.field
    async def installed_in(self, info: Info) -> Building | None:
        return await one(info, self.id, E.INSTALLED_IN, OUT, L.BUILDING)

    supplied_buildings = connection(
        E.SUPPLIES,
        OUT,
        L.BUILDING,
        filtered=True,
        description="Buildings this utility asset supplies.",
    )

    feeds = connection(
        E.FEEDS, OUT, L.DEVICE, filtered=True, description="Downstream assets this one feeds."
    )

    @strawberry.field(description="The upstream asset feeding this one.")
    async def fed_by(self, info: Info) -> Device | None:
        return await one(info, self.id, E.FEEDS, IN, L.DEVICE)

    involved_in = connection(
        E.INVOLVES, IN, L.INCIDENT, description="Incidents this device is involved in."
    )

    incidents = connection(
        E.RAISED_BY, IN, L.INCIDENT, filtered=True, description="Incidents this device raised."
    )

"""Household: the people who live together in one dwelling (户)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.nodes.base import Node, connection, node_type, to_one
from api.nodes.related import related_one
from api.nodes.saved_risk import RISK_DESCRIPTION, SavedRisk, with_saved_risk
from graph.model import EdgeType as E
from graph.model import Label
from graph.records import Direction

OUT, IN = Direction.OUT, Direction.IN
L = Label


@node_type(L.HOUSEHOLD, with_saved_risk)
class Household(Node):
    risk: SavedRisk | None = strawberry.field(description=RISK_DESCRIPTION)

    members = connection(E.MEMBER_OF, IN, L.RESIDENT)

    building = to_one(E.RESIDES_IN, OUT, L.BUILDING)

    @strawberry.field(description="Unit (单元) of the dwelling.")
    async def unit(self, info: Info) -> str | None:
        item = await related_one(info, self.id, E.RESIDES_IN, OUT, L.BUILDING)
        return item.edge_props.get("unit") if item else None

    @strawberry.field(description="Room (室) of the dwelling.")
    async def room(self, info: Info) -> str | None:
        item = await related_one(info, self.id, E.RESIDES_IN, OUT, L.BUILDING)
        return item.edge_props.get("room") if item else None

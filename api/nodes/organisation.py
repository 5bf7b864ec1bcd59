"""Organisation: a property manager, merchant, school, care team... (组织)."""

from __future__ import annotations

from api.nodes.base import Node, connection, node_type, to_one
from graph.model import EdgeType as E
from graph.model import Label
from graph.records import Direction

OUT, IN = Direction.OUT, Direction.IN
L = Label


@node_type(L.ORGANISATION)
class Organisation(Node):
    manages = connection(
        E.MANAGES,
        OUT,
        L.BUILDING,
        description="Buildings this organisation manages.",
    )

    located_in = to_one(E.LOCATED_IN, OUT, L.BUILDING)

    staff = connection(E.WORKS_FOR, IN, L.RESIDENT)

    volunteers = connection(E.VOLUNTEERS_FOR, IN, L.RESIDENT)

    cares_for = connection(
        E.CARES_FOR, OUT, L.RESIDENT, description="Residents this organisation cares for."
    )

    involved_in = connection(
        E.INVOLVES, IN, L.INCIDENT, description="Incidents this organisation is involved in."
    )

    assigned_incidents = connection(
        E.ASSIGNED_TO,
        IN,
        L.INCIDENT,
        description="Incidents dispatched to this organisation.",
    )

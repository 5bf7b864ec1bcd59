"""Grid: a cell of the governance grid (网格) and the levels above it, with their aggregates."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.auth.purpose import NEVER, access
from api.enums import IncidentCategory, IncidentStatus, KeyPopulationTag
from api.nodes.base import Node, connection, node_type, to_one
from api.nodes.related import parent_ref
from graph.model import EdgeType as E
from graph.model import Label
from graph.records import Direction

OUT, IN = Direction.OUT, Direction.IN
L = Label


@strawberry.type
class TagCount:
    tag: KeyPopulationTag
    count: int


@strawberry.type
class StatusCount:
    status: IncidentStatus
    count: int


@strawberry.type
class CategoryCount:
    category: IncidentCategory
    count: int


@strawberry.type(description="Aggregates of a grid and every grid below it.")
class GridStatistics:
    buildings: int
    households: int
    population: int
    residents_by_tag: list[TagCount]
    open_incidents_by_status: list[StatusCount]
    open_incidents_by_category: list[CategoryCount]
    overdue_incidents: int


@node_type(L.GRID)
class Grid(Node):
    @strawberry.field(
        description="Population, housing and open incidents, rolled up; residents by tag "
        "only for roles that may see tags (empty for integrators)."
    )
    async def statistics(self, info: Info) -> GridStatistics:
        stats = await info.context.loaders.grid_statistics.load(parent_ref(self.id).id)
        principal = info.context.principal
        tagged = principal is not None and access(principal, "tags") != NEVER
        return GridStatistics(
            buildings=stats.buildings,
            households=stats.households,
            population=stats.residents,
            residents_by_tag=[
                TagCount(tag=KeyPopulationTag(t), count=n)
                for t, n in stats.residents_by_tag.most_common()
                if tagged
            ],
            open_incidents_by_status=[
                StatusCount(status=IncidentStatus(s), count=n)
                for s, n in stats.open_incidents_by_status.most_common()
            ],
            open_incidents_by_category=[
                CategoryCount(category=IncidentCategory(c), count=n)
                for c, n in stats.open_incidents_by_category.most_common()
            ],
            overdue_incidents=stats.overdue_incidents,
        )

    buildings = connection(E.IN_GRID, IN, L.BUILDING)

    parent = to_one(
        E.PART_OF, OUT, L.GRID, description="The grid one level up (community, street, district)."
    )

    children = connection(E.PART_OF, IN, L.GRID)

    workers = connection(
        E.GRID_WORKER_OF, IN, L.RESIDENT, description="Grid workers (网格员) serving this grid."
    )

    incidents = connection(
        E.OCCURRED_AT,
        IN,
        L.INCIDENT,
        description="Incidents recorded at the grid itself (not at a building).",
    )

"""Row scopes: the part of the graph a caller may see and change (a grid worker's grids and
every grid below them, a property company's managed buildings, a resident's household), as a
store filter per label. The guarded store (`graph.guarded`) adds it to every query it sends,
so rows outside the scope are never fetched."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph.filters import NOTHING, AnyOf, Condition, Filter, Hop, Incoming, Op, Related
from graph.model import EdgeType, Label
from graph.records import Direction

GRID_DEPTH = 3  # PART_OF steps from a grid up to a district (grid, community, street, district)

E = EdgeType
_TO_BUILDING: dict[Label, tuple[tuple[Hop, ...], ...]] = {
    # The ways from a node to the building it is placed at (none: it is a building).
    Label.BUILDING: ((),),
    Label.HOUSEHOLD: ((E.RESIDES_IN,),),
    Label.RESIDENT: ((E.MEMBER_OF, E.RESIDES_IN),),
    Label.DEVICE: ((E.INSTALLED_IN,),),
    Label.ORGANISATION: ((E.LOCATED_IN,),),
    Label.INCIDENT: ((E.OCCURRED_AT,),),
    Label.PETITION: ((E.SUBMITTED_BY, E.MEMBER_OF, E.RESIDES_IN),),
}


class ScopeKind(StrEnum):
    GRIDS = "grids"  # the grids named and every grid below them
    ORGANISATION = "organisation"  # the buildings it MANAGES, and what lies in them
    HOUSEHOLD = "household"  # the household, its members and their petitions


# Of each kind of scope, the relationships (type, direction from the node in scope) whose far
# ends lie in the scope whenever the near end does: what is placed at a node in the scope is
# in it too (a building's households, a household's members, a grid's grids).
_DOWNWARD: dict[ScopeKind, frozenset[tuple[EdgeType, Direction]]] = {
    ScopeKind.GRIDS: frozenset(
        (edge, Direction.IN)
        for edge in (
            E.IN_GRID,
            E.PART_OF,
            E.RESIDES_IN,
            E.MEMBER_OF,
            E.INSTALLED_IN,
            E.LOCATED_IN,
            E.OCCURRED_AT,
            E.SUBMITTED_BY,
        )
    ),
    ScopeKind.ORGANISATION: frozenset(
        {(E.MANAGES, Direction.OUT)}
        | {
            (edge, Direction.IN)
            for edge in (E.RESIDES_IN, E.MEMBER_OF, E.INSTALLED_IN, E.OCCURRED_AT)
        }
    ),
    ScopeKind.HOUSEHOLD: frozenset({(E.MEMBER_OF, Direction.IN), (E.SUBMITTED_BY, Direction.IN)}),
}


@dataclass(frozen=True)
class RowScope:
    kind: ScopeKind
    ids: tuple[str, ...]

    def filter_for(self, label: Label) -> Filter:
        """The nodes of `label` inside the scope, as a filter (NOTHING: none are)."""
        parts = {
            ScopeKind.GRIDS: _in_grids,
            ScopeKind.ORGANISATION: _managed_by,
            ScopeKind.HOUSEHOLD: _of_household,
        }[self.kind](label, self.ids)
        if not parts:
            return NOTHING
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def inherits(self, edge_type: EdgeType, direction: Direction) -> bool:
        """Whether the nodes a node inside the scope reaches through this relationship lie
        inside it too (no need to test them again)."""
        return (EdgeType(edge_type), Direction(direction)) in _DOWNWARD[self.kind]

    def sees(self, label: Label) -> bool:
        """Whether any node of `label` can lie inside the scope."""
        return self.filter_for(label) != NOTHING


def _in_grids(label: Label, grids: tuple[str, ...]) -> list[Filter]:
    if label == Label.GRID:
        found: list[Filter] = [Condition("id", Op.IN, list(grids))]
        found += [Related((E.PART_OF,), Label.GRID, g, GRID_DEPTH - 1) for g in grids]
        return found
    paths = [(*way, E.IN_GRID) for way in _TO_BUILDING.get(label, ())]
    if label == Label.INCIDENT:
        paths.append((E.OCCURRED_AT,))  # an incident placed at a grid itself
    return [Related(path, Label.GRID, g, GRID_DEPTH) for g in grids for path in paths]


def _managed_by(label: Label, orgs: tuple[str, ...]) -> list[Filter]:
    if label == Label.ORGANISATION:
        return [Condition("id", Op.IN, list(orgs))]
    if label in (Label.GRID, Label.PETITION):
        return []
    return [
        Related((*way, Incoming(E.MANAGES)), Label.ORGANISATION, org)
        for org in orgs
        for way in _TO_BUILDING[label]
    ]


def _of_household(label: Label, households: tuple[str, ...]) -> list[Filter]:
    paths: dict[Label, tuple[Hop, ...]] = {
        Label.RESIDENT: (E.MEMBER_OF,),
        Label.PETITION: (E.SUBMITTED_BY, E.MEMBER_OF),
    }
    if label == Label.HOUSEHOLD:
        return [Condition("id", Op.IN, list(households))]
    if label not in paths:
        return []
    return [Related(paths[label], Label.HOUSEHOLD, h) for h in households]

"""What an aggregate measures over a set of nodes, and the per-parent sets it can run over
(the members of each household, the buildings of each grid)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graph.model import EdgeType
from graph.records import Direction, NodeRef


@dataclass(frozen=True)
class CountOf:
    """How many nodes: an int."""


@dataclass(frozen=True)
class GroupsOf:
    """How many nodes hold each value of an enumeration, yes/no or tag-list field (each tag
    of a list), most first; nodes without a value count under None: [(value, count)]."""

    field: str


@dataclass(frozen=True)
class NumbersOf:
    """count, min, max, avg and sum of a number field over the nodes that hold a value."""

    field: str


@dataclass(frozen=True)
class AgesOf:
    """count, min, max, avg and sum of the ages in whole years on `on` that a date field (a
    birth date, ISO text) gives: the years between, less one where the birthday is still to
    come."""

    field: str
    on: date


Measure = CountOf | GroupsOf | NumbersOf | AgesOf


@dataclass(frozen=True)
class Over:
    """Aggregate once per parent, over the nodes each parent reaches through one relationship.
    Every parent has the same label."""

    parents: tuple[NodeRef, ...]
    edge_type: EdgeType
    direction: Direction

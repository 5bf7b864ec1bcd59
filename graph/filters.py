"""Typed node filters: conditions on fields, relationships and the graph, combined with
all/any/not (`graph.cypher.filter_compiler` compiles them to Cypher)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from graph.model import EdgeType, Label

PROVENANCE_FIELDS = frozenset({"created_at", "updated_at", "prov_source", "prov_actor"})


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    IN = "in"
    LT = "lt"
    LTE = "lte"
    GT = "gt"
    GTE = "gte"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    ENDS_WITH = "ends_with"
    IS_NULL = "is_null"
    HAS_ANY = "has_any"
    HAS_ALL = "has_all"


@dataclass(frozen=True)
class Condition:
    field: str
    op: Op
    value: Any = None


@dataclass(frozen=True)
class Incoming:
    """A step along a relationship against its direction (a building to the organisation
    that MANAGES it)."""

    type: EdgeType


Hop = EdgeType | Incoming


def arrow_of(hop: Hop) -> str:
    """The Cypher of one step away from the node the path starts at."""
    if isinstance(hop, Incoming):
        return f"<-[:{EdgeType(hop.type).value}]-"
    return f"-[:{EdgeType(hop).value}]->"


def arrow_back(hop: Hop) -> str:
    """The Cypher of the same step walked towards the node the path starts at."""
    if isinstance(hop, Incoming):
        return f"-[:{EdgeType(hop.type).value}]->"
    return f"<-[:{EdgeType(hop).value}]-"


@dataclass(frozen=True)
class Related:
    """The node is joined through `path` (relationship types, outgoing unless `Incoming`)
    to `target`."""

    path: tuple[Hop, ...]
    target: Label
    target_id: str
    max_parent_hops: int = 0  # also match targets up to this many PART_OF hops below target


@dataclass(frozen=True)
class Through:
    """The node reaches, through `path` (relationship types, all outgoing), a `target` node
    that matches `where` (residents whose household is rented, say)."""

    path: tuple[EdgeType, ...]
    target: Label
    where: Filter | None = None


@dataclass(frozen=True)
class LivesAlone:
    """A resident whose household has no other member (a resident with no household is not)."""


@dataclass(frozen=True)
class Near:
    """The node's coordinates (`lat`, `lon`) lie within `radius_m` metres of a point, by
    great-circle distance."""

    lat: float
    lon: float
    radius_m: float


@dataclass(frozen=True)
class Labelled:
    """The node has `label` and matches `where` (for relationships whose far end may be of
    several labels)."""

    label: Label
    where: Filter


@dataclass(frozen=True)
class All:
    parts: tuple[Filter, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Filter, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Not:
    part: Filter


def label_qualified(where: Filter | None) -> bool:
    """Whether every condition of `where` names the label it applies to (or there is none):
    what a filter of a relationship to several labels must be."""
    if where is None or isinstance(where, Labelled):
        return True
    if isinstance(where, All | AnyOf):
        return all(label_qualified(part) for part in where.parts)
    return False


Filter = Condition | Related | Through | LivesAlone | Near | Labelled | All | AnyOf | Not
NOTHING: Filter = AnyOf(())  # matches no node

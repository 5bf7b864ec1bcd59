"""Typed node filters compiled to parameterised Cypher predicates (shared by both engines).

Field names are checked against the node model before they reach Cypher text; every value is
a query parameter.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable
from typing import Any

from graph.errors import InvalidInputError
from graph.filters import (
    PROVENANCE_FIELDS,
    All,
    AnyOf,
    Condition,
    Filter,
    Labelled,
    LivesAlone,
    Near,
    Not,
    Op,
    Related,
    Through,
    arrow_of,
)
from graph.model import NODE_MODELS, EdgeType, Label

EARTH_RADIUS_M = 6_371_008.8  # the mean radius
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180  # of latitude
MAX_RADIUS_M = 100_000.0
_COMPARISON = {Op.EQ: "=", Op.NE: "<>", Op.LT: "<", Op.LTE: "<=", Op.GT: ">", Op.GTE: ">="}


def filterable_fields(label: Label) -> frozenset[str]:
    return frozenset(NODE_MODELS[label].model_fields) | PROVENANCE_FIELDS


def _is_list(label: Label, name: str) -> bool:
    info = NODE_MODELS[label].model_fields.get(name)
    return info is not None and typing.get_origin(info.annotation) is list


DISTANCE = "distance"  # the order of a list filtered by `near`: nearest first


def haversine(var: str, near: Near, param: Callable[[Any], str]) -> str:
    """hav(d / R) between `var`'s coordinates and the point: grows with the distance d, so it
    sorts and compares as the distance does. `param` names a value as a query parameter."""
    rad = param(math.pi / 180)
    half_lat = f"sin(({var}.lat - {param(near.lat)}) * {rad} / 2)"
    half_lon = f"sin(({var}.lon - {param(near.lon)}) * {rad} / 2)"
    cos_lat = param(math.cos(math.radians(near.lat)))
    return (
        f"({half_lat} * {half_lat} + cos({var}.lat * {rad}) * {cos_lat} * {half_lon} * {half_lon})"
    )


def distance_key(where: Filter | None, var: str, params: dict[str, Any], prefix: str) -> str:
    """The sort key of a list ordered by distance: from the point of its top-level `near`."""
    near = where if isinstance(where, Near) else None
    if isinstance(where, All):
        near = next((part for part in where.parts if isinstance(part, Near)), None)
    if near is None:
        raise InvalidInputError(["orderBy: DISTANCE needs a near filter (not under OR or NOT)"])

    def param(value: Any) -> str:
        name = f"{prefix}{len(params)}"
        params[name] = value
        return f"${name}"

    # A whole number, so that a cursor holds it exactly (FalkorDB sends floats rounded to 15
    # digits): 1e18 × hav keeps 0.02 % of a metre-scale distance up to the 100 km radius.
    return f"toInteger({haversine(var, near, param)} * 1e18)"


class FilterCompiler:
    """Turns a Filter into a Cypher boolean expression over variable `var`."""

    def __init__(
        self, label: Label, var: str = "n", prefix: str = "f", id_lt_expression: str = "{var}.id"
    ) -> None:
        self.label = label
        self.var = var
        self.prefix = prefix
        self.id_lt_expression = id_lt_expression
        self.params: dict[str, Any] = {}
        self.counts_housemates = False
        self._negations = 0
        self._throughs: list[str] = []  # CALL subqueries counting matching related nodes

    def _param(self, value: Any) -> str:
        name = f"{self.prefix}{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def compile(self, node: Filter | None) -> str:
        if node is None:
            return "true"
        if isinstance(node, All):
            return (
                "(" + " AND ".join(self.compile(p) for p in node.parts) + ")"
                if node.parts
                else "true"
            )
        if isinstance(node, AnyOf):
            return (
                "(" + " OR ".join(self.compile(p) for p in node.parts) + ")"
                if node.parts
                else "false"
            )
        if isinstance(node, Not):
            self._negations += 1
            try:
                return f"(NOT {self.compile(node.part)})"
            finally:
                self._negations -= 1
        if isinstance(node, Related):
            return self._related(node)
        if isinstance(node, Labelled):
            return self._labelled(node)
        if isinstance(node, Through):
            return self._through(node)
        if isinstance(node, Near):
            near = self._near(node)
            return f"coalesce({near}, false)" if self._negations else near
        if isinstance(node, LivesAlone):
            if self.label != Label.RESIDENT:
                raise InvalidInputError(
                    [f"livesAlone: only residents live alone, not {self.label}"]
                )
            self.counts_housemates = True
            return f"({self.var}_household IS NOT NULL AND {self.var}_housemates = 0)"
        condition = self._condition(node)
        if self._negations and node.op not in (Op.IS_NULL, Op.HAS_ANY, Op.HAS_ALL):
            # Two-valued logic: a condition on a missing value is false, so its negation is
            # true (Cypher's NOT of null is null: "not overdue" would drop an incident without
            # a deadline). Coalescing the conditions under a NOT is enough, as AND and OR keep
            # the mapping of null to false; outside a NOT nothing changes, so indexes serve.
            return f"coalesce({condition}, false)"
        return condition

    def prelude(self, carry: tuple[str, ...] = ()) -> str:
        """Clauses to put between the MATCH of `var` and `WHERE <compiled>`.

        Housemates are counted with OPTIONAL MATCH and an explicit `<>`, not a pattern
        predicate: FalkorDB does not enforce relationship uniqueness inside a pattern, so
        `(n)-[:MEMBER_OF]->()<-[:MEMBER_OF]-(m)` matches `m = n` there. The second, pass-through
        WITH is for FalkorDB too: a WHERE that mixes a pattern predicate with an alias computed
        in its own WITH fails there ("Type mismatch: expected Null but was Pointer").
        """
        v = self.var
        clauses = ""
        kept = [*carry, v]
        if self.counts_housemates:
            kept.append(f"{v}_household")
            clauses += (
                f" OPTIONAL MATCH ({v})-[:MEMBER_OF]->({v}_household:Household)"
                f" OPTIONAL MATCH ({v}_household)<-[:MEMBER_OF]-({v}_mate:Resident)"
                f" WHERE {v}_mate <> {v}"
                f" WITH {', '.join(kept)}, count({v}_mate) AS {v}_housemates"
                f" WITH {', '.join(kept)}, {v}_housemates"
            )
            kept.append(f"{v}_housemates")
        if self._throughs:
            # A CALL subquery per related-node condition, counting the matching nodes (the
            # engines differ on pattern comprehensions and EXISTS in a WHERE; both run this).
            clauses += "".join(self._throughs)
            kept += [f"{v}_through{k}" for k in range(len(self._throughs))]
            clauses += f" WITH {', '.join(kept)}"
        return clauses

    def _condition(self, cond: Condition) -> str:
        if cond.field not in filterable_fields(self.label):
            raise InvalidInputError([f"filter.{cond.field}: {self.label} has no such field"])
        values = cond.value if isinstance(cond.value, list | tuple) else [cond.value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise InvalidInputError(
                [f"filter.{cond.field}: holds a NUL character (U+0000), which is not valid here"]
            )
        prop = f"{self.var}.{cond.field}"
        if cond.op == Op.IS_NULL:
            return f"({prop} IS NULL)" if cond.value else f"({prop} IS NOT NULL)"
        if cond.op in (Op.HAS_ANY, Op.HAS_ALL):
            if not _is_list(self.label, cond.field):
                raise InvalidInputError([f"filter.{cond.field}: is not a list field"])
            # One membership test per value, not any()/all() over a list: FalkorDB evaluates
            # those quantifiers wrongly after the WITH of livesAlone (no rows, or a type error).
            tests = [f"{self._param(value)} IN coalesce({prop}, [])" for value in cond.value]
            joiner = " OR " if cond.op == Op.HAS_ANY else " AND "
            empty = "false" if cond.op == Op.HAS_ANY else "true"
            return f"({joiner.join(tests)})" if tests else empty
        if cond.op == Op.IN:
            return f"({prop} IN {self._param(list(cond.value))})"
        if cond.op == Op.CONTAINS:
            return f"({prop} CONTAINS {self._param(cond.value)})"
        if cond.op == Op.STARTS_WITH:
            return f"({prop} STARTS WITH {self._param(cond.value)})"
        if cond.op == Op.ENDS_WITH:
            return f"({prop} ENDS WITH {self._param(cond.value)})"
        if cond.field == "id" and cond.op in (Op.LT, Op.LTE):
            prop = self.id_lt_expression.format(var=self.var)
        return f"({prop} {_COMPARISON[cond.op]} {self._param(cond.value)})"

    def _near(self, near: Near) -> str:
        """Haversine distance within the radius, behind a latitude/longitude box that rules
        out most nodes with plain comparisons: hav(d/R) <= sin²(r / 2R) holds exactly when
        d <= r, so no inverse sine is needed (both engines have sin, cos and sqrt)."""
        fields = NODE_MODELS[self.label].model_fields
        if "lat" not in fields or "lon" not in fields:
            raise InvalidInputError([f"near: {self.label} has no coordinates"])
        problems = []
        if not -90 <= near.lat <= 90:
            problems.append("near.lat: must be between -90 and 90")
        if not -180 <= near.lon <= 180:
            problems.append("near.lon: must be between -180 and 180")
        if not 0 < near.radius_m <= MAX_RADIUS_M:
            problems.append(f"near.radiusM: must be above 0 and at most {MAX_RADIUS_M:,.0f}")
        if problems:
            raise InvalidInputError(problems)
        v = self.var
        degrees = near.radius_m / METRES_PER_DEGREE
        cos_lat = math.cos(math.radians(near.lat))
        lon_span = degrees / cos_lat if cos_lat > degrees / 180 else 360.0
        bound = math.sin(near.radius_m / (2 * EARTH_RADIUS_M)) ** 2
        return (
            f"({v}.lat >= {self._param(near.lat - degrees)} "
            f"AND {v}.lat <= {self._param(near.lat + degrees)} "
            f"AND {v}.lon >= {self._param(near.lon - lon_span)} "
            f"AND {v}.lon <= {self._param(near.lon + lon_span)} "
            f"AND {haversine(v, near, self._param)} <= {self._param(bound)})"
        )

    def _through(self, through: Through) -> str:
        k = len(self._throughs)
        v = self.var
        target = f"{v}_t{k}"
        inner = FilterCompiler(
            through.target,
            var=target,
            prefix=f"{self.prefix}t{k}_",
            id_lt_expression=self.id_lt_expression,
        )
        predicate = inner.compile(through.where)
        self.params.update(inner.params)
        hops = "".join(f"-[:{EdgeType(t).value}]->()" for t in through.path[:-1])
        last = EdgeType(through.path[-1]).value
        self._throughs.append(
            f" CALL {{ WITH {v} MATCH ({v}){hops}-[:{last}]->({target}:{through.target.value})"
            f"{inner.prelude()} WHERE {predicate} RETURN count({target}) AS {v}_through{k} }}"
        )
        return f"({v}_through{k} > 0)"

    def _related(self, rel: Related) -> str:
        hops = "".join(f"{arrow_of(hop)}()" for hop in rel.path[:-1])
        last = arrow_of(rel.path[-1])
        target = self._param(rel.target_id)
        if rel.max_parent_hops:
            return (
                f"(({self.var}){hops}{last}(:{rel.target.value})"
                f"-[:PART_OF*0..{int(rel.max_parent_hops)}]->(:{rel.target.value} "
                f"{{id: {target}}}))"
            )
        return f"(({self.var}){hops}{last}(:{rel.target.value} {{id: {target}}}))"

    def _labelled(self, labelled: Labelled) -> str:
        """The label test, then the condition compiled for that label (its fields checked
        against that label's model)."""
        inner = FilterCompiler(
            labelled.label,
            var=self.var,
            prefix=f"{self.prefix}l{len(self.params)}_",
            id_lt_expression=self.id_lt_expression,
        )
        predicate = inner.compile(labelled.where)
        if inner.counts_housemates or inner._throughs:
            raise InvalidInputError(["filter: a relationship to several labels has no filter"])
        self.params.update(inner.params)
        return f"({self.var}:{labelled.label.value} AND {predicate})"

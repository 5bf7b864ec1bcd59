"""Filtered, ordered, keyset-paginated listing of one label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.cypher.filter_compiler import DISTANCE, FilterCompiler, distance_key
from graph.cypher.session import CypherSession
from graph.cypher.tree import TreeCompiler, projection, read_branches, sort_key
from graph.errors import InvalidInputError
from graph.filters import All, Condition, Filter, Op, Related, arrow_back
from graph.model import Label
from graph.model.fields import (
    orderable_fields,
)
from graph.records import (
    Branch,
    NodeRecord,
    Page,
    visible_props,
)


def _looks_up_ids(part: Filter) -> bool:
    return isinstance(part, Condition) and part.field == "id" and part.op in (Op.EQ, Op.IN)


def _anchor(where: Filter | None) -> tuple[Related | None, Filter | None]:
    """A top-level place condition to start the match from, and the rest of the filter. None
    where the filter names the nodes' ids: their index finds them faster than any walk."""
    if isinstance(where, Related):
        return where, None
    if isinstance(where, All) and not any(_looks_up_ids(part) for part in where.parts):
        for i, part in enumerate(where.parts):
            if isinstance(part, Related):
                rest = where.parts[:i] + where.parts[i + 1 :]
                return part, All(rest) if rest else None
    return None, where


def _walk_down(label: Label, place: Related) -> str:
    """The pattern from the place (`$anchor_id`, and the grids below it) down to `n`."""
    target = place.target.value
    walk = f"(anchor:{target} {{id: $anchor_id}})"
    if place.max_parent_hops:
        walk += f"<-[:PART_OF*0..{int(place.max_parent_hops)}]-(:{target})"
    for hop in reversed(place.path[1:]):
        walk += f"{arrow_back(hop)}()"
    return walk + f"{arrow_back(place.path[0])}(n:{label.value})"


class Listing:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def matching(self, label: Label, where: Filter | None) -> tuple[str, dict[str, Any]]:
        """`MATCH (n:Label) … WHERE …` of the nodes `where` keeps, and its parameters.

        A filter that holds a place (`inGrid`, `inBuilding`…) among its top-level conditions
        starts from that place, found by its id, and walks down to the nodes: a leaf grid's
        residents are a few hundred paths, where testing every resident's path up to the grid
        costs a walk per resident (measured on Neo4j, 20,000 residents: 8 against 88 ms for a
        page of a leaf grid's residents by name; FalkorDB: 1 against 420 ms)."""
        anchor, rest = _anchor(where)
        compiler = FilterCompiler(label, id_lt_expression=self.session.id_lt_expression)
        predicate = compiler.compile(rest)
        if anchor is None:
            start = f"MATCH (n:{label.value})"
        else:
            start = f"MATCH {_walk_down(label, anchor)} WITH DISTINCT n"
            compiler.params["anchor_id"] = anchor.target_id
        return f"{start}{compiler.prelude()} WHERE {predicate}", compiler.params

    def list_nodes(
        self,
        label: Label,
        where: Filter | None = None,
        order_by: str = "id",
        descending: bool = False,
        first: int | None = None,
        after: tuple[Any, str] | None = None,
        last: int | None = None,
        before: tuple[Any, str] | None = None,
        branches: Sequence[Branch] = (),
        fields: tuple[str, ...] | None = None,
    ) -> Page:
        """One page of nodes; forward with first/after, backward with last/before. Each node
        has its `branches`' pages nested (`Page.nested`), from the same query; `fields`: the
        properties to read (None: all)."""
        if order_by != DISTANCE and order_by not in orderable_fields(label):
            raise InvalidInputError([f"orderBy: {label} cannot be ordered by {order_by!r}"])
        backward = last is not None and first is None
        size = last if backward else first
        if size is None or size < 0:
            raise InvalidInputError(["first: give first (or last) as a non-negative number"])
        matching, params = self.matching(label, where)
        cursor = before if backward else after
        ascending = descending == backward  # walking backward flips the sort
        key = (
            distance_key(where, "n", params, "dk")
            if order_by == DISTANCE
            else sort_key(label, order_by)
        )
        if cursor is not None:
            cmp = ">" if ascending else "<"
            node_id = "n.id" if ascending else self.session.id_lt_expression.format(var="n")
            params["cv"], params["ci"] = cursor
            if order_by == "id":
                matching += f" AND {node_id} {cmp} $ci"
            else:
                matching += f" AND ({key} {cmp} $cv OR ({key} = $cv AND {node_id} {cmp} $ci))"
        direction = "" if ascending else " DESC"
        params["take"] = size + 1
        tree = TreeCompiler(self.session.id_lt_expression)
        clauses, returned = tree.branches(branches, "n", label)
        params.update(tree.params)
        order = f"ORDER BY sort{direction}, id{direction} LIMIT $take"
        # The page is cut before the branches are read; the order is restated at the end, as
        # the subqueries need not keep it.
        rows = self.session.read(
            f"{matching} WITH n, n.id AS id, {key} AS sort {order}{clauses} "
            f"RETURN id, sort, {projection('n', fields)} AS props{returned} {order}",
            params,
        )
        more = len(rows) > size
        rows = rows[:size]
        if backward:
            rows.reverse()
        records = [NodeRecord(label, r["id"], visible_props(dict(r["props"]))) for r in rows]
        keys = [(r["sort"], r["id"]) for r in rows]
        nested = [read_branches(branches, r) for r in rows] if branches else []
        if backward:
            return Page(records, keys, before is not None, more, nested)
        return Page(records, keys, more, after is not None, nested)

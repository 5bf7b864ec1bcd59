"""Aggregates of filtered nodes, each one round trip: over one label, or per parent over the
nodes every parent reaches through one relationship (each household's members, each grid's
buildings), all the parents of a level at once."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graph.cypher.filter_compiler import FilterCompiler
from graph.cypher.listing import Listing
from graph.cypher.session import CypherSession
from graph.cypher.tree import arrow
from graph.errors import InvalidInputError
from graph.filters import Filter
from graph.measures import CountOf, GroupsOf, Measure, NumbersOf, Over
from graph.model import Label
from graph.model.fields import GROUPABLE, ValueKind, specs_by_name
from graph.records import NodeRef

_STATS = ("min", "max", "avg", "sum")


def _measured(label: Label, measure: Measure, group: str, params: dict[str, Any]) -> str:
    """The clauses after the match of `n` that measure it per `group` (`parent`: the group's
    key in every row)."""
    if isinstance(measure, CountOf):
        return f" RETURN {group} AS parent, count(n) AS count"
    spec = specs_by_name(label).get(measure.field)
    if isinstance(measure, GroupsOf):
        if spec is None or spec.kind not in GROUPABLE:
            raise InvalidInputError([f"field: {label} cannot be grouped by {measure.field!r}"])
        if spec.kind == ValueKind.ENUM_LIST:
            key = f" WITH {group} AS parent, n UNWIND coalesce(n.{spec.name}, []) AS key"
        else:
            key = f" WITH {group} AS parent, n.{spec.name} AS key"
        return f"{key} RETURN parent, key, count(*) AS count"
    if isinstance(measure, NumbersOf):
        if spec is None or not spec.numeric:
            raise InvalidInputError([f"field: {label}.{measure.field} is not a number field"])
        value = f"n.{spec.name}"
    else:
        if spec is None or spec.kind != ValueKind.DATE:
            raise InvalidInputError([f"field: {label}.{measure.field} is not a date field"])
        params["age_year"], params["age_day"] = measure.on.year, measure.on.isoformat()[5:]
        born = f"n.{spec.name}"
        value = (
            f"$age_year - toInteger(substring({born}, 0, 4)) "
            f"- CASE WHEN substring({born}, 5, 5) > $age_day THEN 1 ELSE 0 END"
        )
    stats = ", ".join(f"{name}(value) AS {name}" for name in _STATS)
    values = f" WITH {group} AS parent, {value} AS value"
    return f"{values} RETURN parent, count(value) AS count, {stats}"


def _result(measure: Measure, rows: list[dict[str, Any]]) -> Any:
    """One group's rows as the measure's result."""
    if isinstance(measure, CountOf):
        return int(rows[0]["count"]) if rows else 0
    if isinstance(measure, GroupsOf):
        counts = [(row["key"], int(row["count"])) for row in rows]
        return sorted(counts, key=lambda kc: (-kc[1], str(kc[0])))
    count = int(rows[0]["count"] or 0) if rows else 0
    if not count:
        return {"count": 0, **dict.fromkeys(_STATS)}
    return {"count": count, **{k: rows[0][k] for k in _STATS}}


class Aggregation:
    def __init__(self, session: CypherSession, listing: Listing) -> None:
        self.session = session
        self.listing = listing

    def aggregate(self, label: Label, where: Filter | None, measure: Measure) -> Any:
        """`measure` over the `label` nodes that `where` keeps."""
        matching, params = self.listing.matching(label, where)
        rows = self.session.read(matching + _measured(label, measure, "null", params), params)
        return _result(measure, rows)

    def related_aggregates(
        self, over: Over, label: Label, where: Filter | None, measure: Measure
    ) -> dict[NodeRef, Any]:
        """`measure` per parent, over the `label` nodes it reaches that `where` keeps."""
        if not over.parents:
            return {}
        parent_label = over.parents[0].label
        if any(parent.label != parent_label for parent in over.parents):
            raise ValueError("the parents of one aggregate share a label")
        compiler = FilterCompiler(label, id_lt_expression=self.session.id_lt_expression)
        predicate = compiler.compile(where)
        params = compiler.params
        params["parent_ids"] = sorted({parent.id for parent in over.parents})
        step = arrow(over.edge_type, over.direction, "")
        query = (
            f"MATCH (parent:{parent_label.value}) WHERE parent.id IN $parent_ids "
            f"MATCH (parent){step}(n:{label.value}) WITH DISTINCT parent, n"
            f"{compiler.prelude(carry=('parent',))} WHERE {predicate}"
            f"{_measured(label, measure, 'parent.id', params)}"
        )
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.session.read(query, params):
            groups[row["parent"]].append(row)
        return {parent: _result(measure, groups.get(parent.id, [])) for parent in over.parents}

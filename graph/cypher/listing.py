"""Filtered, ordered, keyset-paginated listing; counts; related nodes of many parents at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.cypher.filter_compiler import FilterCompiler
from graph.cypher.session import CypherSession
from graph.errors import InvalidInputError
from graph.filters import Filter
from graph.model import EdgeType, Label
from graph.model.fields import optional_times, orderable_fields
from graph.records import (
    Direction,
    NodeRecord,
    NodeRef,
    Page,
    RelatedItem,
    RelatedPage,
    visible_props,
)


def sort_key(label: Label, field: str) -> str:
    """The Cypher expression a list sorts `n` by: a missing optional time sorts as ''."""
    return f"coalesce(n.{field}, '')" if field in optional_times(label) else f"n.{field}"


def _arrow(edge_type: EdgeType, direction: Direction) -> str:
    rel = f"[r:{EdgeType(edge_type).value}]"
    return {Direction.OUT: f"-{rel}->", Direction.IN: f"<-{rel}-", Direction.BOTH: f"-{rel}-"}[
        Direction(direction)
    ]


class Listing:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

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
    ) -> Page:
        """One page of nodes; forward with first/after, backward with last/before."""
        if order_by not in orderable_fields(label):
            raise InvalidInputError([f"orderBy: {label} cannot be ordered by {order_by!r}"])
        backward = last is not None and first is None
        size = last if backward else first
        if size is None or size < 0:
            raise InvalidInputError(["first: give first (or last) as a non-negative number"])
        compiler = FilterCompiler(label, id_lt_expression=self.session.id_lt_expression)
        predicate = compiler.compile(where)
        params = dict(compiler.params)
        cursor = before if backward else after
        ascending = descending == backward  # walking backward flips the sort
        key = sort_key(label, order_by)
        if cursor is not None:
            cmp = ">" if ascending else "<"
            node_id = "n.id" if ascending else self.session.id_lt_expression.format(var="n")
            params["cv"], params["ci"] = cursor
            if order_by == "id":
                predicate += f" AND {node_id} {cmp} $ci"
            else:
                predicate += f" AND ({key} {cmp} $cv OR ({key} = $cv AND {node_id} {cmp} $ci))"
        direction = "" if ascending else " DESC"
        params["take"] = size + 1
        rows = self.session.read(
            f"MATCH (n:{label.value}){compiler.prelude()} WHERE {predicate} "
            f"RETURN n.id AS id, {key} AS sort, n AS props "
            f"ORDER BY sort{direction}, id{direction} LIMIT $take",
            params,
        )
        more = len(rows) > size
        rows = rows[:size]
        if backward:
            rows.reverse()
        records = [NodeRecord(label, r["id"], visible_props(dict(r["props"]))) for r in rows]
        keys = [(r["sort"], r["id"]) for r in rows]
        if backward:
            return Page(records, keys, has_next=before is not None, has_previous=more)
        return Page(records, keys, has_next=more, has_previous=after is not None)

    def count_where(self, label: Label, where: Filter | None = None) -> int:
        compiler = FilterCompiler(label, id_lt_expression=self.session.id_lt_expression)
        predicate = compiler.compile(where)
        rows = self.session.read(
            f"MATCH (n:{label.value}){compiler.prelude()} WHERE {predicate} RETURN count(n) AS n",
            compiler.params,
        )
        return int(rows[0]["n"]) if rows else 0

    def related(
        self,
        parents: Sequence[NodeRef],
        edge_type: EdgeType,
        direction: Direction,
        target: Label | None,
        where: Filter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> dict[NodeRef, RelatedPage]:
        """Related nodes of many parents (of one label) in one round trip, ordered by id.

        `target=None` follows the relationship to nodes of any label (ids are unique across
        labels, so id order still pages them); a filter then needs a label and is refused.
        """
        labels = {ref.label for ref in parents}
        if len(labels) != 1:
            raise InvalidInputError(["parents: give parents of a single label"])
        parent_label = labels.pop()
        if target is None and where is not None:
            raise InvalidInputError(["filter: a relationship to several labels has no filter"])
        compiler = FilterCompiler(
            target or parent_label, var="c", id_lt_expression=self.session.id_lt_expression
        )
        predicate = compiler.compile(where)
        params: dict[str, Any] = {**compiler.params, "ids": [ref.id for ref in parents]}
        backward = last is not None and first is None
        size = last if backward else first
        cursor = ""
        if after is not None:
            cursor += " AND c.id > $after"
            params["after"] = after
        if before is not None:
            cursor += f" AND {self.session.id_lt_expression.format(var='c')} < $before"
            params["before"] = before
        limit = ""
        if size is not None:
            limit = " LIMIT $take"
            params["take"] = size + 1  # one more tells whether the page has a next one
        node_pattern = f"(c:{target.value})" if target else "(c)"
        matched = (
            f"MATCH (p){_arrow(edge_type, direction)}{node_pattern}"
            f"{compiler.prelude(('p', 'r'))} WHERE {predicate}"
        )
        # Each parent's page is cut in the database (its order, cursor and LIMIT), and its
        # total counted there: only the page's nodes travel.
        rows = self.session.read(
            f"UNWIND $ids AS pid MATCH (p:{parent_label.value} {{id: pid}}) "
            f"CALL {{ WITH p {matched}{cursor} "
            f"WITH c, r ORDER BY c.id{' DESC' if backward else ''}{limit} "
            f"RETURN collect([properties(c), labels(c)[0], properties(r)]) AS page }} "
            f"CALL {{ WITH p {matched} RETURN count(c) AS total }} "
            f"RETURN p.id AS parent, page, total",
            params,
        )
        pages = {ref: RelatedPage() for ref in parents}
        for row in rows:
            items = [
                RelatedItem(
                    NodeRecord(Label(label), node["id"], visible_props(node)), visible_props(rel)
                )
                for node, label, rel in row["page"]
            ]
            more = size is not None and len(items) > size
            items = items[:size]
            if backward:
                items.reverse()
                page = RelatedPage(items, int(row["total"]), before is not None, more)
            else:
                page = RelatedPage(items, int(row["total"]), more, after is not None)
            pages[NodeRef(parent_label, row["parent"])] = page
        return pages

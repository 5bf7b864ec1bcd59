"""A tree of relationship lists in one query: each list paged per parent in the database (its
order, cursor and LIMIT in a CALL subquery, its total counted beside it), and each of its
nodes' own lists nested inside, to any depth."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.cypher.filter_compiler import DISTANCE, FilterCompiler, distance_key
from graph.cypher.session import CypherSession
from graph.errors import InvalidInputError
from graph.filters import Filter, label_qualified
from graph.model import EdgeType, Label
from graph.model.fields import optional_times, orderable_fields
from graph.records import (
    Branch,
    Direction,
    NodeRecord,
    NodeRef,
    RelatedItem,
    RelatedPage,
    visible_props,
)


def arrow(edge_type: EdgeType, direction: Direction, var: str) -> str:
    rel = f"[{var}:{EdgeType(edge_type).value}]"
    return {Direction.OUT: f"-{rel}->", Direction.IN: f"<-{rel}-", Direction.BOTH: f"-{rel}-"}[
        Direction(direction)
    ]


def sort_key(label: Label, field: str, var: str = "n") -> str:
    """The Cypher expression a list sorts `var` by: a missing optional time sorts as ''."""
    return f"coalesce({var}.{field}, '')" if field in optional_times(label) else f"{var}.{field}"


def _window(branch: Branch) -> tuple[bool, int | None]:
    """Whether the branch pages backward (last/before), and its page size."""
    backward = branch.last is not None and branch.first is None
    return backward, branch.last if backward else branch.first


@dataclass
class TreeCompiler:
    """The Cypher of a tree: its clauses, parameters, and how to read its results back."""

    id_lt: str
    params: dict[str, Any] = field(default_factory=dict)
    count: int = 0

    def branches(
        self, branches: Sequence[Branch], parent: str, parent_label: Label
    ) -> tuple[str, str]:
        """The CALL clauses of every branch under `parent`, and what to return of them
        (`, pageK AS page<i>, totalK AS total<i>` for the i-th branch)."""
        clauses, returned = "", ""
        for i, branch in enumerate(branches):
            clause, page, total = self.branch(branch, parent, parent_label)
            clauses += clause
            returned += f", {page} AS page{i}, {total} AS total{i}"
        return clauses, returned

    def branch(self, branch: Branch, parent: str, parent_label: Label) -> tuple[str, str, str]:
        """The CALL clauses of `branch` under variable `parent`, and the names its page
        and total are returned under."""
        n = self.count
        self.count += 1
        c, r = f"c{n}", f"r{n}"
        if branch.target is None and not label_qualified(branch.where):
            raise InvalidInputError(["filter: a relationship to several labels has no filter"])
        compiler = FilterCompiler(
            branch.target or parent_label, var=c, prefix=f"f{n}_", id_lt_expression=self.id_lt
        )
        predicate = compiler.compile(branch.where)
        self.params.update(compiler.params)
        backward, size = _window(branch)
        key = self._sort_key(branch, c)
        cursor = ""
        for given, name, forward in (
            (branch.after, "after", True),
            (branch.before, "before", False),
        ):
            if given is not None:
                cursor += " AND " + self._beyond(branch, c, key, given, f"{name}{n}", forward)
        limit = ""
        if size is not None:
            limit = f" LIMIT $take{n}"
            self.params[f"take{n}"] = size + 1  # one more tells whether there is a next page
        node = f"({c}:{branch.target.value})" if branch.target else f"({c})"
        matched = (
            f"MATCH ({parent}){arrow(branch.edge_type, branch.direction, r)}{node}"
            f"{compiler.prelude((parent, r))} WHERE {predicate}"
        )
        inner, pages, totals = "", [], []
        for child in branch.children:
            clauses, page, total = self.branch(child, c, branch.target or parent_label)
            inner += clauses
            pages.append(page)
            totals.append(total)
        # The label only where the target can be of several; the edge's properties if asked;
        # the sort value (for cursors) where the list is not ordered by id.
        label = "null" if branch.target else f"labels({c})[0]"
        edge = f"properties({r})" if branch.edge_props else "null"
        sort = "null" if branch.order_by == "id" else key
        values = ", ".join([projection(c, branch.fields), label, edge, sort, *pages, *totals])
        down = " DESC" if branch.descending != backward else ""
        order = f"{c}.id{down}" if branch.order_by == "id" else f"{key}{down}, {c}.id{down}"
        clauses = (
            f" CALL {{ WITH {parent} {matched}{cursor} "
            f"WITH {c}, {r} ORDER BY {order}{limit}{inner} "
            f"RETURN collect([{values}]) AS page{n} }}"
        )
        if not branch.count:
            return clauses, f"page{n}", "null"
        clauses += f" CALL {{ WITH {parent} {matched} RETURN count({c}) AS total{n} }}"
        return clauses, f"page{n}", f"total{n}"

    def _sort_key(self, branch: Branch, var: str) -> str:
        """What the branch's nodes are ordered by (then by id)."""
        if branch.order_by == "id":
            return f"{var}.id"
        if branch.order_by == DISTANCE:
            return distance_key(branch.where, var, self.params, f"{var}_dk")
        if branch.target is None or branch.order_by not in orderable_fields(branch.target):
            raise InvalidInputError(
                [f"orderBy: {branch.target} cannot be ordered by {branch.order_by!r}"]
            )
        return sort_key(branch.target, branch.order_by, var)

    def _beyond(
        self, branch: Branch, var: str, key: str, given: Any, name: str, forward: bool
    ) -> str:
        """The condition that keeps the nodes after (`forward`) or before a cursor."""
        greater = forward != branch.descending
        cmp = ">" if greater else "<"
        node_id = f"{var}.id" if greater else self.id_lt.format(var=var)
        if branch.order_by == "id":
            self.params[name] = given
            return f"{node_id} {cmp} ${name}"
        self.params[f"{name}v"], self.params[f"{name}i"] = given
        return f"({key} {cmp} ${name}v OR ({key} = ${name}v AND {node_id} {cmp} ${name}i))"


def projection(var: str, fields: tuple[str, ...] | None) -> str:
    """The properties of `var` to return: all, or the named ones (and its id), as a map."""
    if fields is None:
        return f"properties({var})"
    names = dict.fromkeys(("id", *fields))
    for name in names:
        if not name.isidentifier():
            raise InvalidInputError([f"fields: {name!r} is not a property name"])
    return f"{var} {{{', '.join('.' + name for name in names)}}}"


def _total(value: Any) -> int | None:
    return None if value is None else int(value)


def read_branches(branches: Sequence[Branch], row: dict[str, Any]) -> dict[str, RelatedPage]:
    """The pages of `branches` in a row returned by `TreeCompiler.branches`' clauses."""
    return {
        branch.key: read_page(branch, row[f"page{i}"], _total(row[f"total{i}"]))
        for i, branch in enumerate(branches)
    }


def read_page(branch: Branch, rows: list[Any], total: int | None) -> RelatedPage:
    """A page of `branch` from its returned list, with the pages nested in each item."""
    backward, size = _window(branch)
    width = len(branch.children)
    items = []
    target = branch.target
    projected = branch.fields is not None  # a projection holds only wanted properties and id
    for row in rows:
        node, label, rel, sort = row[0], row[1], row[2], row[3]
        nested = (
            {
                child.key: read_page(child, row[4 + i], _total(row[4 + width + i]))
                for i, child in enumerate(branch.children)
            }
            if width
            else {}
        )
        if projected:  # the driver's own map, taken over
            node_id = node.pop("id")
        else:
            node_id, node = node["id"], visible_props(node)
        record = NodeRecord(target or Label(label), node_id, node)
        items.append(RelatedItem(record, visible_props(rel) if rel else {}, nested, sort))
    if branch.order_by == "id":
        items.sort(key=lambda item: item.node.id, reverse=branch.descending != backward)
    more = size is not None and len(items) > size
    items = items[:size]
    if backward:
        items.reverse()
        return RelatedPage(items, total, branch.before is not None, more, branch.order_by)
    return RelatedPage(items, total, more, branch.after is not None, branch.order_by)


class Trees:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

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
        branch = Branch("", edge_type, direction, target, where, first, after, last, before)
        return self.related_tree(parents, branch)

    def related_tree(
        self, parents: Sequence[NodeRef], branch: Branch
    ) -> dict[NodeRef, RelatedPage]:
        """`branch`'s page of every parent (of one label), with the pages of its children
        nested in each item, in one round trip."""
        labels = {ref.label for ref in parents}
        if len(labels) != 1:
            raise InvalidInputError(["parents: give parents of a single label"])
        parent_label = labels.pop()
        compiled = TreeCompiler(self.session.id_lt_expression)
        clauses, page, total = compiled.branch(branch, "p", parent_label)
        rows = self.session.read(
            f"UNWIND $ids AS pid MATCH (p:{parent_label.value} {{id: pid}}){clauses} "
            f"RETURN p.id AS parent, {page} AS page, {total} AS total",
            {**compiled.params, "ids": [ref.id for ref in parents]},
        )
        pages = {ref: RelatedPage() for ref in parents}
        for row in rows:
            found = read_page(branch, row["page"], _total(row["total"]))
            pages[NodeRef(parent_label, row["parent"])] = found
        return pages

    def node_tree(
        self,
        ref: NodeRef,
        branches: Sequence[Branch],
        fields: tuple[str, ...] | None = None,
        where: Filter | None = None,
    ) -> RelatedItem | None:
        """One node (its `fields`, or all its properties) with each branch's page nested in
        it (`RelatedItem.nested`, by key), in one round trip; None if there is no such node
        or it does not match `where`."""
        compiled = TreeCompiler(self.session.id_lt_expression)
        matched = f"MATCH (p:{ref.label.value} {{id: $id}})"
        if where is not None:
            compiler = FilterCompiler(
                ref.label, var="p", prefix="w", id_lt_expression=self.session.id_lt_expression
            )
            predicate = compiler.compile(where)
            matched += f"{compiler.prelude()} WHERE {predicate}"
            compiled.params.update(compiler.params)
        clauses, returned = compiled.branches(branches, "p", ref.label)
        rows = self.session.read(
            f"{matched}{clauses} RETURN {projection('p', fields)} AS node{returned}",
            {**compiled.params, "id": ref.id},
        )
        if not rows:
            return None
        row = rows[0]
        record = NodeRecord(ref.label, ref.id, visible_props(dict(row["node"])))
        return RelatedItem(record, {}, read_branches(branches, row))

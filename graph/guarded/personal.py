"""Personal fields in what a query asks: a filter, grouping or order on a personal field (a
resident's tags) tells about the people it lists as surely as reading the field, so it is
refused where the caller may not see the field, and remembered (for the audit trail) where
it may."""

from __future__ import annotations

from collections.abc import Collection

from graph.errors import ForbiddenError
from graph.filters import All, AnyOf, Condition, Filter, Labelled, Not, Through
from graph.model import NODE_MODELS, Label
from graph.model.fields import camel


class PersonalFieldGuard:
    """`closed`: the personal fields (model names) the caller may not use; `uses`: those it
    used that it may."""

    def __init__(self, closed: Collection[str]) -> None:
        self.closed = frozenset(closed)
        self.uses: set[str] = set()

    def check_filter(self, label: Label, where: Filter | None) -> None:
        """Refuse a filter that tests a personal field the caller may not see."""
        if where is None:
            return
        if isinstance(where, Condition):
            self.check_field(label, where.field, "filter")
        elif isinstance(where, All | AnyOf):
            for part in where.parts:
                self.check_filter(label, part)
        elif isinstance(where, Not):
            self.check_filter(label, where.part)
        elif isinstance(where, Through):
            self.check_filter(where.target, where.where)
        elif isinstance(where, Labelled):
            self.check_filter(where.label, where.where)

    def check_field(self, label: Label, field: str, what: str) -> None:
        """Refuse a personal field the caller may not see; remember one it may."""
        if field not in NODE_MODELS[label].sensitive_fields:
            return
        if field in self.closed:
            raise ForbiddenError(
                f"{what}.{camel(field)}: a personal field you may not see without a purpose "
                "your role permits (X-Purpose)"
            )
        self.uses.add(field)

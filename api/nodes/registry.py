"""Which GraphQL object shows a stored node of each label: `api.types` registers one builder
per label, and everything that turns records into GraphQL objects goes through here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.model import Label
from graph.records import NodeRecord

Builder = Callable[[NodeRecord], Any]
BUILDERS: dict[Label, Builder] = {}
Computed = Callable[[NodeRecord], dict[str, Any]]
# The fields a label's type computes from its stored node (Python names), and how.
COMPUTED: dict[Label, tuple[frozenset[str], Computed]] = {}


def builds(label: Label) -> Callable[[Builder], Builder]:
    """Register the builder of `label`'s GraphQL object."""

    def register(builder: Builder) -> Builder:
        BUILDERS[label] = builder
        return builder

    return register


def to_graphql(record: NodeRecord) -> Any:
    """The GraphQL object of a stored node, without its personal fields."""
    return BUILDERS[record.label](record)

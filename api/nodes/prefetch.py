"""Relationship lists fetched with their parents: when a connection's selection asks for its
nodes' own connections (grid → buildings → households → members), the whole tree is one store
query (`related_tree`), and each nested connection finds its page on its parent object instead
of asking the store again. A nested connection with a filter, or anything not a connection,
is left to its own resolver (one batched query per level, as before)."""

from __future__ import annotations

from typing import Any

from strawberry.types.nodes import SelectedField, Selection
from strawberry.utils.str_converters import to_camel_case

from api.pagination import page_window
from graph.model import EdgeType, Label
from graph.records import Branch, Direction, RelatedItem, RelatedPage

Relationship = tuple[EdgeType, Direction, Label]
# (GraphQL type, GraphQL field) → the relationship a connection field follows.
CONNECTIONS: dict[tuple[str, str], Relationship] = {}
# (GraphQL type, GraphQL field) → the relationship a to-one field follows.
TO_ONE: dict[tuple[str, str], Relationship] = {}
PREFETCHED = "_prefetched"  # the attribute of an object that holds its prefetched pages


def register_connections(type_name: str, fields: dict[str, Relationship]) -> None:
    """Record a type's connection fields (by Python name) for the planner."""
    for python_name, relationship in fields.items():
        CONNECTIONS[(type_name, to_camel_case(python_name))] = relationship


def register_to_one(type_name: str, fields: dict[str, Relationship]) -> None:
    """Record a type's to-one relationship fields (by Python name)."""
    for python_name, relationship in fields.items():
        TO_ONE[(type_name, to_camel_case(python_name))] = relationship


def page_key(
    relationship: Relationship,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> str:
    """What a page is found under: the relationship and its window, as the resolver sees it."""
    edge_type, direction, target = relationship
    return repr((edge_type.value, direction.value, target.value, first, after, last, before))


def _window(arguments: dict[str, Any]) -> tuple[int | None, str | None, int | None, str | None]:
    """A connection's page window as its resolver will compute it; an error where the
    resolver would refuse the arguments (it then reports them itself)."""
    if set(arguments) - {"first", "after", "last", "before"}:
        raise ValueError("not a plain page")  # a filter: the connection's own resolver
    # Literal arguments come as their text here (`first: 50` → "50"); variables as values.
    first, last = (
        None if arguments.get(name) is None else int(arguments[name]) for name in ("first", "last")
    )
    return page_window(first, arguments.get("after"), last, arguments.get("before"))


def _node_selections(connection: SelectedField) -> list[Selection]:
    """The selections made on a connection's nodes (`nodes { … }`, `edges { node { … } }`)."""
    found: list[Selection] = []
    for part in connection.selections:
        if not isinstance(part, SelectedField):
            continue
        if part.name == "nodes":
            found += part.selections
        elif part.name == "edges":
            for inner in part.selections:
                if isinstance(inner, SelectedField) and inner.name == "node":
                    found += inner.selections
    return found


def children(connection: SelectedField, target: Label) -> tuple[Branch, ...]:
    """The branches to fetch with a connection's nodes of label `target`, recursively."""
    branches = []
    for field in _node_selections(connection):
        if not isinstance(field, SelectedField):
            continue
        relationship = CONNECTIONS.get((target.value, field.name))
        if relationship is None:
            continue
        try:
            first, after, last, before = _window(field.arguments)
        except Exception:  # noqa: BLE001  (the field's own resolver reports its arguments)
            continue
        edge_type, direction, child_target = relationship
        branches.append(
            Branch(
                page_key(relationship, first, after, last, before),
                edge_type,
                direction,
                child_target,
                first=first,
                after=after,
                last=last,
                before=before,
                children=children(field, child_target),
            )
        )
    return tuple(dict.fromkeys(branches))


def prefetched_page(parent: Any, key: str) -> RelatedPage | None:
    pages = getattr(parent, PREFETCHED, None)
    return pages.get(key) if pages else None


def keep_nested(obj: Any, item: RelatedItem) -> Any:
    """Attach the pages fetched with `item` to its GraphQL object."""
    if item.nested:
        setattr(obj, PREFETCHED, item.nested)
    return obj

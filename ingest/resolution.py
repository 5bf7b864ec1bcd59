"""Entity resolution of residents across sources: the same person (same ID number; or, without
one, the same name, birth date and phone) becomes one Resident whatever ids the sources use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.cypher_store import CypherStore
from graph.model import Resident

if TYPE_CHECKING:
    from ingest.job import Item


def triple(node: Resident) -> tuple[str, str, str] | None:
    """The secondary natural key: name, birth date and phone (None without a phone)."""
    return (node.name, node.birth_date.isoformat(), node.phone) if node.phone else None


def resolve_residents(store: CypherStore, items: list[Item]) -> list[Item]:
    """Point resident rows at the stored resident they describe (one lookup per batch)."""
    residents = [i for i in items if isinstance(i.node, Resident)]
    if not residents:
        return items
    numbers = sorted({i.node.id_number for i in residents if i.node.id_number})  # type: ignore[union-attr]
    by_number = store.residents_by_id_number(numbers)
    unresolved = [i for i in residents if by_number.get(i.node.id_number or "") is None]  # type: ignore[union-attr]
    triples = sorted({t for i in unresolved if (t := triple(i.node))})  # type: ignore[arg-type]
    by_triple = store.residents_by_name_birth_phone(triples)
    for item in residents:
        node: Resident = item.node  # type: ignore[assignment]
        target = by_number.get(node.id_number) if node.id_number else None
        key = triple(node)
        if target is None and key in by_triple:
            found_id, found_number = by_triple[key]
            if None in (found_number, node.id_number) or found_number == node.id_number:
                target = found_id
        if target and target != node.id:
            item.retarget(target)
    return items

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
    """Point resident rows at the stored resident they describe (one lookup per key kind and
    batch): by ID number, else by name, birth date and phone when neither side's ID number
    disagrees."""
    residents = [i for i in items if isinstance(i.node, Resident)]
    if not residents:
        return items
    numbers = sorted({i.node.id_number for i in residents if i.node.id_number})  # type: ignore[union-attr]
    by_number = store.residents_by_id_number(numbers)
    targets: list[tuple[Item, str]] = []
    unresolved: list[Item] = []
    for item in residents:
        node: Resident = item.node  # type: ignore[assignment]
        found = by_number.get(node.id_number) if node.id_number else None
        if found is None:
            unresolved.append(item)
        else:
            targets.append((item, found))
    by_triple = store.residents_by_name_birth_phone(
        sorted({i.triple for i in unresolved if i.triple})
    )
    for item in unresolved:
        if item.triple in by_triple:
            found_id, found_number = by_triple[item.triple]
            number = item.node.id_number  # type: ignore[union-attr]
            if None in (found_number, number) or found_number == number:
                targets.append((item, found_id))
    for item, target in targets:
        if target != item.node.id:  # type: ignore[union-attr]
            item.retarget(target)
    return items

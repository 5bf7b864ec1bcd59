"""Entity resolution across sources: the same person (same ID number; or, without one, the same
name, birth date and phone) becomes one Resident whatever ids the sources use, and a dwelling
(building, unit, room) keeps the household that lives there, whoever created it."""

from __future__ import annotations

from graph.model import EdgeType, Household, Label, Resident
from graph.port import Lookups
from graph.records import NodeRef
from ingest.job.items import Item
from ingest.mapping.rows import natural_id


def resolve_residents(store: Lookups, items: list[Item]) -> list[Item]:
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


Dwelling = tuple[str, str, str]  # building id, unit ('' for none), room


def _natural_dwelling(item: Item, household: Household) -> Dwelling | None:
    """The dwelling of a household the row keyed by its dwelling (no 户号), else None."""
    own = NodeRef(Label.HOUSEHOLD, household.id)
    for edge in item.edges:
        if edge.type == EdgeType.RESIDES_IN and edge.source == own and edge.props.get("room"):
            unit, room = str(edge.props.get("unit") or ""), str(edge.props["room"])
            keyed = natural_id("H", edge.target.id, *((unit,) if unit else ()), room)
            return (edge.target.id, unit, room) if keyed == household.id else None
    return None


def resolve_dwellings(store: Lookups, items: list[Item]) -> list[Item]:
    """Point rows that key a household by its dwelling at the household stored there (one
    lookup per batch): a flat keeps its household whether a household export, a population
    export or the API created it."""
    wanted: list[tuple[Item, Household, Dwelling]] = []
    for item in items:
        for node in item.nodes:
            if isinstance(node, Household) and (dwelling := _natural_dwelling(item, node)):
                wanted.append((item, node, dwelling))
    if not wanted:
        return items
    stored = store.households_at(sorted({dwelling for _, _, dwelling in wanted}))
    for item, household, dwelling in wanted:
        found = stored.get(dwelling)
        if found is None or found == household.id:
            continue
        if item.nodes[0] is household:  # the row's own household
            item.retarget(found)
        else:  # a household the row implies: the stored one stands instead
            item.nodes = [n for n in item.nodes if n is not household]
            item.redirect({NodeRef(Label.HOUSEHOLD, household.id): NodeRef(Label.HOUSEHOLD, found)})
    return items


def resolve(store: Lookups, items: list[Item]) -> list[Item]:
    """Every resolution a batch goes through before it is written."""
    return resolve_dwellings(store, resolve_residents(store, items))

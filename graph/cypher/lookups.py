"""Entity resolution's lookups: residents by ID number or by name, birth date and phone,
households by dwelling, and the aliases sources use for stored nodes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from graph.cypher.params import Positional
from graph.cypher.session import CypherSession
from graph.model import Label
from graph.records import NodeRef
from graph.write_rows import chunks


class Lookups:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def record_aliases(self, aliases: dict[NodeRef, str]) -> None:
        """Make each ref (an id a source used) name the node of its label with the given id."""
        rows = [{"key": str(ref), "target": target} for ref, target in aliases.items()]
        for batch in chunks(rows, self.session.batch_size):
            self.session.write(self.session.q("record_aliases"), {"rows": list(batch)})

    def aliases_of(self, refs: Iterable[NodeRef]) -> dict[NodeRef, NodeRef]:
        """The stored nodes that refs name through an alias (refs without one are left out)."""
        by_label: dict[Label, list[str]] = defaultdict(list)
        for ref in refs:
            by_label[ref.label].append(str(ref))
        found: dict[NodeRef, NodeRef] = {}
        for label, keys in by_label.items():
            query = self.session.q("aliased_ids", LABEL=label.value)
            rows = self.session.read_chunked(query, "keys", sorted(keys))
            found |= {NodeRef.parse(r["key"]): NodeRef(label, r["id"]) for r in rows}
        return found

    def residents_by_id_number(self, id_numbers: Sequence[str]) -> dict[str, str]:
        """Ids of stored residents by ID number."""
        if not id_numbers:
            return {}
        query = self.session.q("residents_by_id_number")
        rows = self.session.read(query, {"keys": Positional(id_numbers)})
        return {row["key"]: row["id"] for row in rows}

    def households_at(
        self, dwellings: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], str]:
        """Ids of stored households by dwelling (building id, unit or '', room); where
        several share one, the first by id."""
        if not dwellings:
            return {}
        query = self.session.q("households_at_dwellings")
        rows = self.session.read(query, {"keys": Positional(dwellings)})
        found: dict[tuple[str, str, str], str] = {}
        for row in sorted(rows, key=lambda r: r["id"], reverse=True):
            found[(row["building"], row["unit"], row["room"])] = row["id"]
        return found

    def residents_by_name_birth_phone(
        self, keys: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], tuple[str, str | None]]:
        """Stored residents by (name, birth date, phone): their id and ID number."""
        if not keys:
            return {}
        query = self.session.q("residents_by_name_birth_phone")
        rows = self.session.read(query, {"keys": Positional(keys)})
        return {
            (row["name"], row["birth_date"], row["phone"]): (row["id"], row["id_number"])
            for row in rows
        }

"""The change events recorded with each write, what a relay reads to describe them (values at
a version, grids, relationship properties), and the old values updates replaced."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import chain
from typing import Any

from graph.cypher.params import Positional
from graph.cypher.session import CypherSession
from graph.model import EdgeType, Label
from graph.model.edges import EDGE_SPECS, MAX_PLACEMENT_HOPS, PLACEMENT_EDGES
from graph.records import ChangeEvent, NodeRef, Revision, ids_by_label, visible_props

PRUNE_BATCH = 10_000
# What a Revision adds to the node it snapshots.
_REVISION_KEYS = ("rev_of", "rev_at", "rev_source", "rev_actor", "rev_fields", "rev_deleted")


def placement() -> str:
    """The relationship pattern from an entity out to the grids it is placed in."""
    types = "|".join(EdgeType(t).value for t in PLACEMENT_EDGES)
    return f"{types}*0..{MAX_PLACEMENT_HOPS}"


# Of each label, the placement relationships that lead up from it (`A|B`).
PLACEMENT_FROM = {
    label: "|".join(t.value for t in PLACEMENT_EDGES if label in EDGE_SPECS[t].sources)
    for label in Label
}


class Events:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def events_after(self, seq: int, limit: int = 1000) -> list[ChangeEvent]:
        rows = self.session.read(self.session.q("events_after"), {"after": seq, "limit": limit})
        return [
            ChangeEvent(
                seq=int(r["seq"]),
                kind=r["kind"],
                label=r["label"],
                entity_ids=list(r["entity_ids"]),
                fields=list(r["fields"] or []),
                actor=r["actor"],
                source=r["source"],
                at=r["at"],
                version=None if r["version"] is None else int(r["version"]),
                grid_ids=list(r["grid_ids"] or []),
                entity_values=r["entity_values"],
            )
            for r in rows
        ]

    def last_event_seq(self) -> int:
        rows = self.session.read(self.session.q("last_event_seq"))
        return int(rows[0]["seq"]) if rows else 0

    def pruned_through(self) -> int:
        rows = self.session.read(self.session.q("events_pruned_through"))
        return int(rows[0]["pruned"]) if rows else 0

    def prune_events(self, through: int) -> int:
        """Remove the change events up to sequence `through`; how many were removed."""
        self.session.write(self.session.q("mark_pruned"), {"through": through})
        removed = 0
        while True:
            rows = self.session.write(
                self.session.q("prune_events"), {"through": through, "limit": PRUNE_BATCH}
            )
            count = int(rows[0]["removed"]) if rows else 0
            removed += count
            if count < PRUNE_BATCH:
                return removed

    def values_at(
        self, wanted: Sequence[tuple[NodeRef, int]]
    ) -> dict[tuple[NodeRef, int], dict[str, Any]]:
        """Each node's stored values at a version: the node itself when it is still at that
        version, else the Revision snapshot that holds it (also of a deleted node). A version
        nothing holds any more is missing from the result."""
        found: dict[tuple[NodeRef, int], dict[str, Any]] = {}
        current: dict[NodeRef, dict[str, Any]] = {}
        for label, ids in ids_by_label([ref for ref, _ in wanted]).items():
            query = self.session.q("get_nodes", LABEL=label.value)
            for row in self.session.read(query, {"ids": ids}):
                current[NodeRef(label, row["id"])] = dict(row["props"])
        missing = []
        for ref, version in dict.fromkeys(wanted):
            props = current.get(ref)
            if props is not None and int(props.get("version") or 0) == version:
                found[ref, version] = visible_props(props)
            else:
                missing.append((ref, version))
        if missing:
            pairs = Positional([str(ref), version] for ref, version in missing)
            for row in self.session.read(self.session.q("values_at"), {"wanted": pairs}):
                if row["props"] is None:
                    continue
                props = dict(row["props"])
                for key in _REVISION_KEYS:
                    props.pop(key, None)
                found[NodeRef.parse(row["of"]), int(row["version"])] = visible_props(props)
        return found

    def grids_of(self, refs: Sequence[NodeRef]) -> dict[NodeRef, list[str]]:
        """The grids each stored node is placed in (none: an empty list), with every grid
        above them; a node not stored, or of a label never placed, is missing. A walk up the
        placement relationships a level at a time (each level one query per label over the
        distinct nodes reached), then the lineage of the grids it reached."""
        parents: dict[NodeRef, list[NodeRef]] = {}
        frontier = [ref for ref in dict.fromkeys(refs) if ref.label != Label.GRID]
        for _ in range(MAX_PLACEMENT_HOPS):
            reached = self._placement_parents(frontier)
            parents.update(reached)
            frontier = [
                up
                for up in dict.fromkeys(chain.from_iterable(reached.values()))
                if up.label != Label.GRID and up not in parents
            ]
            if not frontier:
                break
        grids = {ref for ref in refs if ref.label == Label.GRID}
        grids.update(up for ups in parents.values() for up in ups if up.label == Label.GRID)
        lineage = self._grid_lineage(sorted(grids))
        memo: dict[tuple[NodeRef, int], frozenset[str]] = {}

        def placed(ref: NodeRef, hops: int) -> frozenset[str]:
            if ref.label == Label.GRID:
                return lineage.get(ref.id, frozenset())
            if hops == MAX_PLACEMENT_HOPS:
                return frozenset()
            if (ref, hops) not in memo:
                ups = parents.get(ref, ())
                memo[ref, hops] = frozenset().union(*(placed(up, hops + 1) for up in ups))
            return memo[ref, hops]

        return {
            ref: sorted(placed(ref, 0))
            for ref in refs
            if ref in parents or (ref.label == Label.GRID and ref.id in lineage)
        }

    def _placement_parents(self, refs: Sequence[NodeRef]) -> dict[NodeRef, list[NodeRef]]:
        found: dict[NodeRef, list[NodeRef]] = defaultdict(list)
        for label, ids in ids_by_label(refs).items():
            types = PLACEMENT_FROM.get(label)
            if not types:
                continue
            query = self.session.q("placement_parents", LABEL=label.value, PLACEMENT=types)
            for row in self.session.read(query, {"ids": ids}):
                ups = found[NodeRef(label, row["id"])]
                if row["parent"] is not None:
                    ups.append(NodeRef(Label(row["label"]), row["parent"]))
        return found

    def _grid_lineage(self, grids: Sequence[NodeRef]) -> dict[str, frozenset[str]]:
        if not grids:
            return {}
        rows = self.session.read(self.session.q("grid_lineage"), {"ids": [g.id for g in grids]})
        return {row["id"]: frozenset(row["grids"]) for row in rows}

    def edge_values(
        self, edges: Sequence[tuple[EdgeType, NodeRef, NodeRef]]
    ) -> dict[tuple[EdgeType, NodeRef, NodeRef], dict[str, Any]]:
        """The stored properties of relationships that still exist."""
        groups: dict[tuple[EdgeType, Label, Label], list[tuple[str, str]]] = defaultdict(list)
        for edge_type, source, target in dict.fromkeys(edges):
            groups[edge_type, source.label, target.label].append((source.id, target.id))
        found: dict[tuple[EdgeType, NodeRef, NodeRef], dict[str, Any]] = {}
        for (edge_type, source_label, target_label), pairs in groups.items():
            query = self.session.q(
                "edge_values",
                TYPE=EdgeType(edge_type).value,
                SOURCE=source_label.value,
                TARGET=target_label.value,
            )
            for row in self.session.read(query, {"pairs": Positional(list(p) for p in pairs)}):
                key = (
                    edge_type,
                    NodeRef(source_label, row["source"]),
                    NodeRef(target_label, row["target"]),
                )
                found[key] = visible_props(dict(row["props"]))
        return found

    def revisions(self, ref: NodeRef) -> list[Revision]:
        """What updates replaced on a node, oldest first: who, when, and the old values."""
        rows = self.session.read(self.session.q("revisions"), {"of": str(ref)})
        history = []
        for row in rows:
            props = dict(row["props"])
            fields = list(props.get("rev_fields") or [])
            revision = Revision(
                at=props["rev_at"],
                source=props["rev_source"],
                actor=props["rev_actor"],
                old={f: props.get(f) for f in fields},
                version=int(props.get("version") or 0),
                fields=fields,
                snapshot=visible_props({k: v for k, v in props.items() if k not in _REVISION_KEYS}),
                deleted=bool(props.get("rev_deleted")),
            )
            history.append(revision)
        return history

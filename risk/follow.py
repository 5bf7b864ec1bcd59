"""Keeping a projection current from the change history (`events.history`): the store's
present values of exactly the nodes and relationships changed after the projection's sequence
number, applied as a patch (`risk.patch`). When the history after the projection is gone
there is nothing to follow: the caller builds the projection again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from events.history import ChangeHistory, StoreReads, Touched
from graph.records import ids_by_label
from risk.build import NODE_FIELDS
from risk.patch import Patch, patched
from risk.projection import Projection

__all__ = ["ChangeHistory", "StoreReads", "followed", "read_patch"]


def read_patch(store: StoreReads, touched: Touched) -> Patch:
    """The present values of what `touched` names (of nodes, the properties the projection
    keeps), read a label (or type and labels) at a time."""
    patch = Patch(detached={str(ref) for ref in touched.deleted})
    for label, ids in ids_by_label(sorted(touched.nodes)).items():
        fields = NODE_FIELDS.get(label, ())
        found = store.export_values(label, ids, fields)
        values: dict[str, Mapping[str, Any] | None] = dict.fromkeys(ids)
        for n, node_id in enumerate(found.ids):
            values[node_id] = {name: found.values[name][n] for name in fields}
        for node_id, props in values.items():
            patch.nodes[f"{label.value}:{node_id}"] = (label, props)
    edges = store.edge_values(sorted(touched.edges))
    for key in touched.edges:
        edge_type, source, target = key
        patch.edges[edge_type, str(source), str(target)] = edges.get(key)
    return patch


def followed(p: Projection, history: ChangeHistory, most: int = 100_000) -> Projection | None:
    """`p` brought up to the newest change; `p` itself when nothing changed; None when the
    history after it is gone (build a new one)."""
    store = history.store
    last = store.last_event_seq()
    if last == p.seq:
        return p
    if last < p.seq:
        return None  # the graph was replaced: its numbers started again
    touched = history.touched_after(p.seq, most)
    if touched is None:
        return None
    # Every number up to `last` was committed before the history was read (writers take
    # numbers in commit order); those without an event wrote nothing.
    return patched(p, read_patch(store, touched), max(touched.through, last))

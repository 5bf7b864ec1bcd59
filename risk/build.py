"""The projection built from the store: every node with the properties the models read and
every relationship, read out a batch at a time on either engine, stamped with the last change
event committed before the read began (later changes are applied on top of it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from graph.model import EdgeType, Label
from graph.port import EventLog, Export
from risk.builder import ProjectionBuilder
from risk.projection import Projection


class ProjectionSource(Export, EventLog, Protocol):
    """What building a projection reads of the store."""


NODE_FIELDS: dict[Label, tuple[str, ...]] = {
    Label.RESIDENT: ("birth_date", "tags"),
    Label.HOUSEHOLD: ("floor",),
    Label.BUILDING: ("floors", "has_elevator", "lat", "lon"),
    Label.DEVICE: ("kind", "status"),
}
EDGE_FIELDS: dict[EdgeType, tuple[str, ...]] = {EdgeType.ADJACENT_TO: ("distance_m",)}


def build_projection(
    store: ProjectionSource, today: str, progress: Callable[[int], None] | None = None
) -> Projection:
    """Every node and relationship of the store as a projection; `progress` is told how many
    rows each batch held."""
    seq = store.last_event_seq()
    builder = ProjectionBuilder(today)
    for label in Label:
        for nodes in store.export_nodes(label, NODE_FIELDS.get(label, ())):
            builder.add_nodes(label, nodes.keys, nodes.ids, nodes.values)
            if progress:
                progress(len(nodes.ids))
    for edge_type in EdgeType:
        for edges in store.export_edges(edge_type, EDGE_FIELDS.get(edge_type, ())):
            builder.add_edges(edge_type, edges.sources, edges.targets, edges.values)
            if progress:
                progress(len(edges.sources))
    return builder.build(seq)

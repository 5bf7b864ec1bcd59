"""The neighbourhood of some nodes as an investigator draws it: the walk, its filters (node
types, a time window), its cap and what the caller may see. Both the `neighbourhood`
resolver and the compiled read path answer with it.

The walk reads only what a node's label is made of; the nodes shown are read again in full
only where the query asks more of them than a drawing does, through the caller's store."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from api.nodes.base import LABEL_SOURCES
from api.pagination import bad_input
from graph.guarded.store import GuardedStore
from graph.model import EdgeType, Label
from graph.model.validators import format_timestamp
from graph.port import GraphStore
from graph.records import EdgeRecord, NodeRecord, NodeRef, Subgraph

MAX_LIMIT = 5_000
MAX_SEEDS = 100
PROVENANCE_PROPS = frozenset({"prop_hash", "prov_source", "prov_actor", "prov_sources"})


@dataclass
class Drawing:
    """Nodes (the seeds first) and the relationships between them."""

    nodes: list[NodeRecord]
    edges: list[EdgeRecord]
    truncated: bool


def in_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise bad_input(f"{name}: give {low} to {high} (got {value})")


def refs_of(ids: Sequence[str], argument: str) -> list[NodeRef]:
    refs = []
    for n, given in enumerate(ids):
        try:
            refs.append(NodeRef.parse(str(given)))
        except ValueError as exc:
            raise bad_input(f"{argument}[{n}]: {exc}") from None
    return refs


def require(
    refs: list[NodeRef], found: Mapping[NodeRef, NodeRecord], argument: str, listed: bool = True
) -> None:
    """An error naming the first of `refs` not `found` (`ids[2]`, or the argument alone where
    it is not a list)."""
    for n, ref in enumerate(refs):
        if ref not in found:
            raise bad_input(
                f"{argument}[{n}]: {ref} does not exist"
                if listed
                else f"{argument}: {ref} does not exist"
            )


async def existing(
    store: GraphStore, refs: list[NodeRef], argument: str, listed: bool = True
) -> dict[NodeRef, NodeRecord]:
    """The nodes the caller may read (`store` is the caller's); an error naming the first it
    cannot."""
    found = await asyncio.to_thread(store.get_nodes, refs)
    require(refs, found, argument, listed)
    return found


def visible(store: GraphStore, records: dict[NodeRef, NodeRecord]) -> dict[NodeRef, NodeRecord]:
    """Of `records` (read from the whole store), those the caller (`store`) may read: a
    caller bounded to its rows has them checked by id, one query per label."""
    if not isinstance(store, GuardedStore) or store.scope is None:
        return records  # the caller reads every row
    inside = store.visible(list(records))
    return {ref: record for ref, record in records.items() if ref in inside}


async def walk(
    base: GraphStore, store: GraphStore, seeds: list[NodeRef], hops: int, types: list[EdgeType],
    cap: int,
) -> Subgraph:  # fmt: skip
    """The subgraph within `hops` of the seeds, of the nodes the caller (`store`) may read,
    each with the properties of its label only."""
    sub: Subgraph = await asyncio.to_thread(base.expand, seeds, hops, types, cap, LABEL_SOURCES)
    shown = await asyncio.to_thread(visible, store, sub.nodes)
    kept = Subgraph(nodes=shown, truncated=sub.truncated)
    kept.edges = [e for e in sub.edges if e.source in shown and e.target in shown]
    return kept


async def in_full(
    store: GraphStore, records: dict[NodeRef, NodeRecord], drawn: bool
) -> dict[NodeRef, NodeRecord]:
    """`records` as a walk read them where the query asks only for a drawing (`drawn`); else
    read again in full, one query per label."""
    if drawn:
        return records
    return await asyncio.to_thread(store.get_nodes, list(records))


def node_labels(names: Sequence[str] | None) -> set[Label]:
    labels = set()
    for name in names or []:
        try:
            labels.add(Label(name))
        except ValueError:
            raise bad_input(f"nodeTypes: {name!r} is not a node type") from None
    return labels


def _within(edge: EdgeRecord, since: str | None, until: str | None) -> bool:
    created = str(edge.props.get("created_at") or "")
    return (since is None or created >= since) and (until is None or created < until)


async def neighbourhood(
    base: GraphStore,
    store: GraphStore,
    ids: Sequence[str],
    depth: int = 1,
    relationship_types: Sequence[EdgeType] | None = None,
    node_types: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
    drawn: bool = True,
) -> Drawing:
    """The nodes within `depth` of `ids` the caller (`store`) may read, the seeds first, and
    the relationships between them; `base` is the whole store, which the walk reads."""
    in_range("depth", depth, 1, 3)
    in_range("limit", limit, 1, MAX_LIMIT)
    if not 1 <= len(ids) <= MAX_SEEDS:
        raise bad_input(f"ids: give 1 to {MAX_SEEDS} ids")
    labels = node_labels(node_types)
    seeds = refs_of(ids, "ids")
    types = [EdgeType(t) for t in relationship_types or ()]
    sub = await walk(base, store, seeds, depth, types, limit)
    require(seeds, sub.nodes, "ids")  # the walk holds every seed the caller may read
    low = format_timestamp(since) if since else None
    high = format_timestamp(until) if until else None
    edges = [e for e in sub.edges if _within(e, low, high)]
    keep = {ref for ref in sub.nodes if not labels or ref.label in labels} | set(seeds)
    if low or high:  # a window: the seeds and what its relationships reach
        keep &= {e.source for e in edges} | {e.target for e in edges} | set(seeds)
    ordered = [r for r in seeds if r in sub.nodes] + sorted(keep - set(seeds))
    shown = [r for r in ordered if r in sub.nodes][:limit]
    records = await in_full(store, {r: sub.nodes[r] for r in shown}, drawn)
    on = set(records)
    return Drawing(
        nodes=[records[r] for r in shown if r in records],
        edges=[e for e in edges if e.source in on and e.target in on],
        truncated=sub.truncated or len(keep) > limit,
    )


def edge_id(edge: EdgeRecord) -> str:
    return f"{edge.type.value}:{edge.source}->{edge.target}"


def edge_properties(edge: EdgeRecord) -> dict[str, object]:
    """A relationship's properties, without its provenance."""
    return {k: v for k, v in edge.props.items() if k not in PROVENANCE_PROPS}

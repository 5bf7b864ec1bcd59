"""Per-request DataLoaders: one store round trip per nesting level, not one per parent."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Protocol

from strawberry.dataloader import DataLoader

from graph.filters import Filter
from graph.measures import Measure, Over
from graph.model import EdgeType, Label
from graph.port import Aggregates, Listing, NodeReads
from graph.records import Branch, Direction, GridStatistics, NodeRecord, NodeRef, RelatedPage


@dataclass(frozen=True)
class RelatedQuery:
    """Everything about a nested list except its parent: parents sharing it are batched."""

    edge_type: EdgeType
    direction: Direction
    target: Label | None
    where: Filter | None = None
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


class LoaderStore(NodeReads, Listing, Aggregates, Protocol):
    """What the loaders read."""


@dataclass
class Loaders:
    store: LoaderStore
    _nodes: DataLoader[NodeRef, NodeRecord | None] | None = None
    _grid_statistics: DataLoader[str, GridStatistics] | None = None
    _related: dict[tuple[str, Label], DataLoader[NodeRef, RelatedPage]] = field(
        default_factory=dict
    )
    _trees: dict[tuple[str, Label], DataLoader[NodeRef, RelatedPage]] = field(default_factory=dict)
    _aggregates: dict[str, DataLoader[NodeRef, Any]] = field(default_factory=dict)

    @property
    def nodes(self) -> DataLoader[NodeRef, NodeRecord | None]:
        if self._nodes is None:

            async def load(refs: list[NodeRef]) -> list[NodeRecord | None]:
                found = await asyncio.to_thread(self.store.get_nodes, refs)
                return [found.get(ref) for ref in refs]

            self._nodes = DataLoader(load_fn=load)
        return self._nodes

    @property
    def grid_statistics(self) -> DataLoader[str, GridStatistics]:
        if self._grid_statistics is None:

            async def load(ids: list[str]) -> list[GridStatistics]:
                found = await asyncio.to_thread(self.store.grid_statistics, ids)
                return [found[grid_id] for grid_id in ids]

            self._grid_statistics = DataLoader(load_fn=load)
        return self._grid_statistics

    def tree(self, branch: Branch, parent_label: Label) -> DataLoader[NodeRef, RelatedPage]:
        """A list and the lists nested under it, for every parent at this level at once."""
        key = (repr(branch), parent_label)
        if key not in self._trees:

            async def load(parents: list[NodeRef]) -> list[RelatedPage]:
                pages = await asyncio.to_thread(self.store.related_tree, parents, branch)
                return [pages[parent] for parent in parents]

            self._trees[key] = DataLoader(load_fn=load)
        return self._trees[key]

    def related(self, query: RelatedQuery, parent_label: Label) -> DataLoader[NodeRef, RelatedPage]:
        key = (repr(query), parent_label)  # filters may hold lists: key on their text
        if key not in self._related:

            async def load(parents: list[NodeRef]) -> list[RelatedPage]:
                pages = await asyncio.to_thread(
                    self.store.related,
                    parents,
                    query.edge_type,
                    query.direction,
                    query.target,
                    query.where,
                    query.first,
                    query.after,
                    query.last,
                    query.before,
                )
                return [pages[parent] for parent in parents]

            self._related[key] = DataLoader(load_fn=load)
        return self._related[key]

    def related_aggregates(
        self,
        edge_type: EdgeType,
        direction: Direction,
        parent_label: Label,
        label: Label,
        where: Filter | None,
        measure: Measure,
    ) -> DataLoader[NodeRef, Any]:
        """One measure of a relationship's filtered nodes, for every parent at once."""
        key = repr((edge_type, direction, parent_label, label, where, measure))
        if key not in self._aggregates:

            async def load(parents: list[NodeRef]) -> list[Any]:
                over = Over(tuple(parents), edge_type, direction)
                found = await asyncio.to_thread(
                    self.store.related_aggregates, over, label, where, measure
                )
                return [found[parent] for parent in parents]

            self._aggregates[key] = DataLoader(load_fn=load)
        return self._aggregates[key]

"""The store as one caller may use it: every read carries the caller's row scope into its
Cypher (so a row outside it is never fetched, and a node outside it reads as missing), every
write is refused unless what it changes lies inside the scope, and no filter, grouping or
order may use a personal field the caller may not see."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from graph.errors import ForbiddenError, NotFoundError
from graph.filters import (
    All,
    AnyOf,
    Condition,
    Filter,
    Labelled,
    Op,
)
from graph.guarded.delegate import Delegating
from graph.guarded.personal import PersonalFieldGuard
from graph.measures import GroupsOf, Measure, NumbersOf, Over
from graph.model import EDGE_SPECS, EdgeType, Label, Node
from graph.model.edges import PLACEMENT_EDGES
from graph.port import GraphStore
from graph.records import (
    Branch,
    Direction,
    Edge,
    GridStatistics,
    Neighbour,
    NodeRecord,
    NodeRef,
    Page,
    Path,
    Provenance,
    RelatedItem,
    RelatedPage,
    Revision,
    RiskSave,
    RiskSaved,
    SearchHit,
    Subgraph,
    WriteResult,
    ids_by_label,
)
from graph.scope import RowScope


class GuardedStore(Delegating):
    """`inner` as seen by one caller: `scope` bounds its rows (None: every row); `closed`
    names the personal fields (model names) it may not filter, group or order on."""

    def __init__(
        self, inner: GraphStore, scope: RowScope | None, closed: Collection[str] = ()
    ) -> None:
        super().__init__(inner)
        self.scope = scope
        self.fields = PersonalFieldGuard(closed)

    @property
    def personal_uses(self) -> set[str]:
        """The personal fields it filtered, grouped or ordered on (the caller may see them)."""
        return self.fields.uses

    def _where(self, label: Label, where: Filter | None) -> Filter | None:
        """`where`, bounded to the scope (the scope first: a list starts from its place)."""
        self.fields.check_filter(label, where)
        if self.scope is None:
            return where
        bound = self.scope.filter_for(label)
        return bound if where is None else All((bound, where))

    def _far_ends(self, edge_type: EdgeType, direction: Direction) -> frozenset[Label]:
        spec = EDGE_SPECS[EdgeType(edge_type)]
        if direction == Direction.OUT:
            return spec.targets
        if direction == Direction.IN:
            return spec.sources
        return spec.sources | spec.targets

    def _branch_where(
        self, edge_type: EdgeType, direction: Direction, target: Label | None, where: Filter | None
    ) -> Filter | None:
        if target is not None:
            return self._where(target, where)
        # Conditions of a relationship to several labels name their label (`Labelled`); any
        # that did not would be checked as a resident's, the label with personal fields.
        self.fields.check_filter(Label.RESIDENT, where)
        if self.scope is None:
            return where
        scope = self.scope
        ends = sorted(self._far_ends(edge_type, Direction(direction)))
        bound = AnyOf(
            tuple(Labelled(end, scope.filter_for(end)) for end in ends if scope.sees(end))
        )
        return bound if where is None else All((bound, where))

    def _branch(self, branch: Branch, parents_inside: bool) -> Branch:
        """`branch` bounded to the scope, to any depth. Where its parents are known to lie
        inside (the query tested them) and the relationship leads down from them (a
        building's households), its nodes lie inside too and are not tested again."""
        if branch.order_by != "id" and branch.target is not None:
            self.fields.check_field(branch.target, branch.order_by, "orderBy")
        inherited = (
            parents_inside
            and self.scope is not None
            and self.scope.inherits(branch.edge_type, branch.direction)
        )
        if inherited:
            if branch.target is not None:
                self.fields.check_filter(branch.target, branch.where)
            where = branch.where
        else:
            where = self._branch_where(
                branch.edge_type, branch.direction, branch.target, branch.where
            )
        return replace(
            branch,
            where=where,
            children=tuple(self._branch(child, True) for child in branch.children),
        )

    def _check_measure(self, label: Label, measure: Measure) -> None:
        if isinstance(measure, GroupsOf | NumbersOf):
            self.fields.check_field(label, measure.field, "groupBy")

    # -- reads ----------------------------------------------------------------------------
    def visible(self, refs: Sequence[NodeRef]) -> set[NodeRef]:
        """Which of `refs` exist inside the scope (one query per label)."""
        found: set[NodeRef] = set()
        for label, ids in ids_by_label(refs).items():
            found |= {NodeRef(label, i) for i in self.existing_ids(label, ids)}
        return found

    def _by_ids(
        self, label: Label, ids: Sequence[str], fields: tuple[str, ...] | None = None
    ) -> Page:
        where = self._where(label, Condition("id", Op.IN, list(ids)))
        return self.inner.list_nodes(label, where, first=len(ids), fields=fields)

    def get_nodes(self, refs: Sequence[NodeRef]) -> dict[NodeRef, NodeRecord]:
        if self.scope is None:
            return self.inner.get_nodes(refs)
        found: dict[NodeRef, NodeRecord] = {}
        for label, ids in ids_by_label(refs).items():
            if self.scope.sees(label):
                found.update((r.ref, r) for r in self._by_ids(label, ids).records)
        return found

    def existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        if self.scope is None:
            return self.inner.existing_ids(label, ids)
        if not ids or not self.scope.sees(label):
            return set()
        return {r.id for r in self._by_ids(label, ids, ("id",)).records}

    def _unscoped_only(self, what: str) -> None:
        if self.scope is not None:
            raise ForbiddenError(f"{what}: not available to a caller bounded to its own rows")

    def neighbours(
        self,
        refs: Sequence[NodeRef],
        types: Sequence[EdgeType] = (),
        direction: Direction = Direction.BOTH,
        limit: int = 100,
    ) -> dict[NodeRef, list[Neighbour]]:
        self._unscoped_only("neighbours")
        return self.inner.neighbours(refs, types, direction, limit)

    def expand(
        self,
        seeds: Sequence[NodeRef],
        hops: int,
        types: Sequence[EdgeType] = (),
        max_nodes: int = 10_000,
        fields: tuple[str, ...] | None = None,
    ) -> Subgraph:
        self._unscoped_only("expand")
        return self.inner.expand(seeds, hops, types, max_nodes, fields)

    def shortest_path(
        self, a: NodeRef, b: NodeRef, max_hops: int = 8, types: Sequence[EdgeType] = ()
    ) -> Path | None:
        self._unscoped_only("shortestPath")
        return self.inner.shortest_path(a, b, max_hops, types)

    def run_read(self, cypher: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._unscoped_only("runSavedQuery")
        return self.inner.run_read(cypher, params)

    def search(
        self,
        text: str,
        labels: Sequence[Label] = (),
        limit: int = 20,
        within: Mapping[Label, Filter] | None = None,
    ) -> list[SearchHit]:
        if self.scope is None:
            return self.inner.search(text, labels, limit, within)
        bounded: dict[Label, Filter] = {}
        for label in labels or list(Label):
            if self.scope.sees(label) and (within is None or label in within):
                where = self._where(label, within[label] if within is not None else None)
                assert where is not None
                bounded[label] = where
        return self.inner.search(text, labels, limit, bounded)

    def list_nodes(
        self,
        label: Label,
        where: Filter | None = None,
        order_by: str = "id",
        descending: bool = False,
        first: int | None = None,
        after: tuple[Any, str] | None = None,
        last: int | None = None,
        before: tuple[Any, str] | None = None,
        branches: Sequence[Branch] = (),
        fields: tuple[str, ...] | None = None,
    ) -> Page:
        self.fields.check_field(label, order_by, "orderBy")
        return self.inner.list_nodes(
            label,
            self._where(label, where),
            order_by,
            descending,
            first,
            after,
            last,
            before,
            [self._branch(branch, True) for branch in branches],
            fields,
        )

    def count_where(self, label: Label, where: Filter | None = None) -> int:
        return self.inner.count_where(label, self._where(label, where))

    def aggregate(self, label: Label, where: Filter | None, measure: Measure) -> Any:
        self._check_measure(label, measure)
        return self.inner.aggregate(label, self._where(label, where), measure)

    def related_aggregates(
        self, over: Over, label: Label, where: Filter | None, measure: Measure
    ) -> dict[NodeRef, Any]:
        self._check_measure(label, measure)
        return self.inner.related_aggregates(over, label, self._where(label, where), measure)

    def related(
        self,
        parents: Sequence[NodeRef],
        edge_type: EdgeType,
        direction: Direction,
        target: Label | None,
        where: Filter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> dict[NodeRef, RelatedPage]:
        bounded = self._branch_where(edge_type, direction, target, where)
        return self.inner.related(
            parents, edge_type, direction, target, bounded, first, after, last, before
        )

    def related_tree(
        self, parents: Sequence[NodeRef], branch: Branch
    ) -> dict[NodeRef, RelatedPage]:
        return self.inner.related_tree(parents, self._branch(branch, False))

    def node_tree(
        self,
        ref: NodeRef,
        branches: Sequence[Branch],
        fields: tuple[str, ...] | None = None,
        where: Filter | None = None,
    ) -> RelatedItem | None:
        if self.scope is not None and not self.scope.sees(ref.label):
            return None
        return self.inner.node_tree(
            ref, [self._branch(b, True) for b in branches], fields, self._where(ref.label, where)
        )

    def count_nodes(self) -> dict[Label, int]:
        if self.scope is None:
            return self.inner.count_nodes()
        return {label: self.count_where(label) if self.scope.sees(label) else 0 for label in Label}

    def count_by(self, label: Label, field: str) -> dict[Any, int]:
        self.fields.check_field(label, field, "groupBy")
        self._unscoped_only("countBy")
        return self.inner.count_by(label, field)

    def grid_statistics(self, grid_ids: Sequence[str]) -> dict[str, GridStatistics]:
        """Statistics of the grids inside the scope: a grid's roll-up counts only what lies
        below it, which is inside the scope too."""
        if self.scope is None:
            return self.inner.grid_statistics(grid_ids)
        return self.inner.grid_statistics(sorted(self.existing_ids(Label.GRID, grid_ids)))

    def revisions(self, ref: NodeRef) -> list[Revision]:
        if self.scope is not None and ref not in self.visible([ref]):
            return []
        return self.inner.revisions(ref)

    # -- writes ---------------------------------------------------------------------------
    def _own_loose(self, refs: Collection[NodeRef], actor: str) -> set[NodeRef]:
        """Which of `refs` are placed nowhere yet and were last written by `actor`: what the
        caller has just created and not yet placed (it cannot take over another's)."""
        loose = [ref for ref, grids in self.inner.grids_of(list(refs)).items() if not grids]
        stored = self.inner.get_nodes(loose)
        return {ref for ref, record in stored.items() if record.props.get("prov_actor") == actor}

    def _check_nodes(self, refs: Sequence[NodeRef], actor: str) -> None:
        """Refuse to change a stored node outside the scope, other than one the caller has
        created and not yet placed (a new one is the caller's)."""
        if self.scope is None:
            return
        outside = set(refs) - self.visible(refs)
        if not outside:
            return
        stored = {
            NodeRef(label, key)
            for label in {ref.label for ref in outside}
            for key in self.inner.existing_ids(label, [r.id for r in outside if r.label == label])
        }
        foreign = sorted(stored - self._own_loose(stored, actor)) if stored else []
        if foreign:
            raise ForbiddenError(f"id: {foreign[0]} lies outside the rows you may change")

    def _check_edges(self, edges: Sequence[tuple[EdgeType, NodeRef, NodeRef]], actor: str) -> None:
        """A relationship may join two nodes inside the scope, or place a node the caller has
        created and not yet placed at a node inside it."""
        if self.scope is None:
            return
        ends = [ref for _, source, target in edges for ref in (source, target)]
        inside = self.visible(ends)
        sources = {source for _, source, _ in edges if source not in inside}
        own = self._own_loose(sources, actor) if sources else set()
        # What the call places inside is inside for its other relationships (an incident an
        # alert raises: OCCURRED_AT its building, RAISED_BY its device).
        inside |= {
            source
            for edge_type, source, target in edges
            if edge_type in PLACEMENT_EDGES and source in own and target in inside
        }
        for edge_type, source, target in edges:
            if source in inside and target in inside:
                continue
            raise ForbiddenError(f"{edge_type}: {source} → {target} leaves the rows you may change")

    def upsert_nodes(
        self, nodes: Iterable[Node], provenance: Provenance, partial: bool = False
    ) -> WriteResult:
        nodes = list(nodes)
        self._check_nodes([NodeRef(n.label, n.id) for n in nodes], provenance.actor)
        return self.inner.upsert_nodes(nodes, provenance, partial)

    def upsert_edges(
        self, edges: Iterable[Edge], provenance: Provenance, check_endpoints: bool = True
    ) -> WriteResult:
        edges = list(edges)
        self._check_edges([(e.type, e.source, e.target) for e in edges], provenance.actor)
        return self.inner.upsert_edges(edges, provenance, check_endpoints)

    def upsert_node(
        self,
        node: Node,
        provenance: Provenance,
        expected_version: int | None = None,
        keep: Collection[str] = (),
    ) -> tuple[NodeRecord, bool]:
        self._check_nodes([NodeRef(node.label, node.id)], provenance.actor)
        return self.inner.upsert_node(node, provenance, expected_version, keep)

    def delete_node(
        self, ref: NodeRef, provenance: Provenance, expected_version: int | None = None
    ) -> None:
        if self.scope is not None and ref not in self.visible([ref]):
            raise NotFoundError(f"{ref} does not exist")
        self.inner.delete_node(ref, provenance, expected_version)

    def delete_edge(
        self, edge_type: EdgeType, source: NodeRef, target: NodeRef, provenance: Provenance
    ) -> int:
        if self.scope is not None:
            inside = self.visible([source, target])
            if source not in inside or target not in inside:
                return 0  # as if there were no such relationship
        return self.inner.delete_edge(edge_type, source, target, provenance)

    def save_risk(self, save: RiskSave, provenance: Provenance) -> RiskSaved:
        """Scores only of nodes inside the scope (others read as missing)."""
        if self.scope is not None:
            inside = self.visible(list(save.scores))
            save = replace(save, scores={r: s for r, s in save.scores.items() if r in inside})
        return self.inner.save_risk(save, provenance)

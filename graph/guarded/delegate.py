"""A store that hands every call to another: the base of views of a store that change a few
of its calls (`graph.guarded.store`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from graph.filters import Filter
from graph.measures import Measure, Over
from graph.model import EdgeType, Label, Node
from graph.port import GraphStore
from graph.records import (
    ApiKeyRecord,
    AuditEntry,
    Branch,
    ChangeEvent,
    Direction,
    Edge,
    EdgeColumns,
    GridStatistics,
    InvestigationRecord,
    Neighbour,
    NodeColumns,
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
)
from graph.write_rows import EdgeGroup, PendingWrite, Row


class Delegating:
    """Every call of the store port, handed to `inner` unchanged."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner

    # -- NodeReads -----------------------------------------------------------
    def get_nodes(self, refs: Sequence[NodeRef]) -> dict[NodeRef, NodeRecord]:
        return self.inner.get_nodes(refs)

    def existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        return self.inner.existing_ids(label, ids)

    # -- Traversal -----------------------------------------------------------
    def neighbours(
        self,
        refs: Sequence[NodeRef],
        types: Sequence[EdgeType] = (),
        direction: Direction = Direction.BOTH,
        limit: int = 100,
    ) -> dict[NodeRef, list[Neighbour]]:
        return self.inner.neighbours(refs, types, direction, limit)

    def expand(
        self,
        seeds: Sequence[NodeRef],
        hops: int,
        types: Sequence[EdgeType] = (),
        max_nodes: int = 10000,
        fields: tuple[str, ...] | None = None,
    ) -> Subgraph:
        return self.inner.expand(seeds, hops, types, max_nodes, fields)

    def shortest_path(
        self, a: NodeRef, b: NodeRef, max_hops: int = 8, types: Sequence[EdgeType] = ()
    ) -> Path | None:
        return self.inner.shortest_path(a, b, max_hops, types)

    def run_read(self, cypher: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return self.inner.run_read(cypher, params)

    def search(
        self,
        text: str,
        labels: Sequence[Label] = (),
        limit: int = 20,
        within: Mapping[Label, Filter] | None = None,
    ) -> list[SearchHit]:
        return self.inner.search(text, labels, limit, within)

    # -- Listing -------------------------------------------------------------
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
        return self.inner.list_nodes(
            label, where, order_by, descending, first, after, last, before, branches, fields
        )

    def count_where(self, label: Label, where: Filter | None = None) -> int:
        return self.inner.count_where(label, where)

    def aggregate(self, label: Label, where: Filter | None, measure: Measure) -> Any:
        return self.inner.aggregate(label, where, measure)

    def related_aggregates(
        self, over: Over, label: Label, where: Filter | None, measure: Measure
    ) -> dict[NodeRef, Any]:
        return self.inner.related_aggregates(over, label, where, measure)

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
        return self.inner.related(
            parents, edge_type, direction, target, where, first, after, last, before
        )

    def related_tree(
        self, parents: Sequence[NodeRef], branch: Branch
    ) -> dict[NodeRef, RelatedPage]:
        return self.inner.related_tree(parents, branch)

    def node_tree(
        self,
        ref: NodeRef,
        branches: Sequence[Branch],
        fields: tuple[str, ...] | None = None,
        where: Filter | None = None,
    ) -> RelatedItem | None:
        return self.inner.node_tree(ref, branches, fields, where)

    # -- Aggregates ----------------------------------------------------------
    def count_nodes(self) -> dict[Label, int]:
        return self.inner.count_nodes()

    def count_by(self, label: Label, field: str) -> dict[Any, int]:
        return self.inner.count_by(label, field)

    def grid_statistics(self, grid_ids: Sequence[str]) -> dict[str, GridStatistics]:
        return self.inner.grid_statistics(grid_ids)

    # -- RecordWrites --------------------------------------------------------
    def upsert_nodes(
        self, nodes: Iterable[Node], provenance: Provenance, partial: bool = False
    ) -> WriteResult:
        return self.inner.upsert_nodes(nodes, provenance, partial)

    def upsert_edges(
        self, edges: Iterable[Edge], provenance: Provenance, check_endpoints: bool = True
    ) -> WriteResult:
        return self.inner.upsert_edges(edges, provenance, check_endpoints)

    def upsert_node(
        self,
        node: Node,
        provenance: Provenance,
        expected_version: int | None = None,
        keep: Collection[str] = (),
    ) -> tuple[NodeRecord, bool]:
        return self.inner.upsert_node(node, provenance, expected_version, keep)

    def delete_node(
        self, ref: NodeRef, provenance: Provenance, expected_version: int | None = None
    ) -> None:
        self.inner.delete_node(ref, provenance, expected_version)

    def delete_edge(
        self, edge_type: EdgeType, source: NodeRef, target: NodeRef, provenance: Provenance
    ) -> int:
        return self.inner.delete_edge(edge_type, source, target, provenance)

    # -- BulkWrites ----------------------------------------------------------
    @property
    def batch_size(self) -> int:
        return self.inner.batch_size

    def split_node_rows(
        self, label: Label, rows: Sequence[Row], source: str
    ) -> tuple[list[Row], list[Row], int]:
        return self.inner.split_node_rows(label, rows, source)

    def split_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row]
    ) -> tuple[list[Row], list[Row], int]:
        return self.inner.split_edge_rows(group, rows)

    def submit_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        return self.inner.submit_node_rows(label, rows, provenance)

    def submit_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        return self.inner.submit_edge_rows(group, rows, provenance)

    def submit_new_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        return self.inner.submit_new_node_rows(label, rows, provenance)

    def submit_new_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        return self.inner.submit_new_edge_rows(group, rows, provenance)

    # -- Lookups -------------------------------------------------------------
    def residents_by_id_number(self, id_numbers: Sequence[str]) -> dict[str, str]:
        return self.inner.residents_by_id_number(id_numbers)

    def residents_by_name_birth_phone(
        self, keys: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], tuple[str, str | None]]:
        return self.inner.residents_by_name_birth_phone(keys)

    def households_at(
        self, dwellings: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], str]:
        return self.inner.households_at(dwellings)

    def aliases_of(self, refs: Iterable[NodeRef]) -> dict[NodeRef, NodeRef]:
        return self.inner.aliases_of(refs)

    def record_aliases(self, aliases: dict[NodeRef, str]) -> None:
        self.inner.record_aliases(aliases)

    # -- EventLog ------------------------------------------------------------
    def events_after(self, seq: int, limit: int = 1000) -> list[ChangeEvent]:
        return self.inner.events_after(seq, limit)

    def last_event_seq(self) -> int:
        return self.inner.last_event_seq()

    def revisions(self, ref: NodeRef) -> list[Revision]:
        return self.inner.revisions(ref)

    def save_risk(self, save: RiskSave, provenance: Provenance) -> RiskSaved:
        return self.inner.save_risk(save, provenance)

    def events_pruned_through(self) -> int:
        return self.inner.events_pruned_through()

    def prune_events(self, through: int) -> int:
        return self.inner.prune_events(through)

    def values_at(
        self, wanted: Sequence[tuple[NodeRef, int]]
    ) -> dict[tuple[NodeRef, int], dict[str, Any]]:
        return self.inner.values_at(wanted)

    def grids_of(self, refs: Sequence[NodeRef]) -> dict[NodeRef, list[str]]:
        return self.inner.grids_of(refs)

    def edge_values(
        self, edges: Sequence[tuple[EdgeType, NodeRef, NodeRef]]
    ) -> dict[tuple[EdgeType, NodeRef, NodeRef], dict[str, Any]]:
        return self.inner.edge_values(edges)

    # -- Lifecycle -----------------------------------------------------------
    @property
    def engine(self) -> str:
        return self.inner.engine

    def bootstrap(self) -> None:
        self.inner.bootstrap()

    def clear(self) -> None:
        self.inner.clear()

    def compact(self) -> None:
        self.inner.compact()

    def close(self) -> None:
        self.inner.close()

    def on_commit(self, listener: Callable[[], None]) -> None:
        self.inner.on_commit(listener)

    # -- Credentials ---------------------------------------------------------
    def create_api_key(self, key: ApiKeyRecord, actor: str) -> None:
        self.inner.create_api_key(key, actor)

    def api_key(self, key_id: str) -> ApiKeyRecord | None:
        return self.inner.api_key(key_id)

    def api_keys(self) -> list[ApiKeyRecord]:
        return self.inner.api_keys()

    def revoke_api_key(self, key_id: str, actor: str) -> bool:
        return self.inner.revoke_api_key(key_id, actor)

    # -- AuditTrail ----------------------------------------------------------
    def append_audit(self, draft: AuditEntry) -> AuditEntry:
        return self.inner.append_audit(draft)

    def audit_head(self) -> tuple[int, str]:
        return self.inner.audit_head()

    def audit_entries(
        self, after: int = 0, limit: int = 1000, actor: str | None = None, since: str | None = None
    ) -> list[AuditEntry]:
        return self.inner.audit_entries(after, limit, actor, since)

    # -- PersistedQueryStore -------------------------------------------------
    def save_persisted_query(self, sha256: str, query: str, actor: str) -> None:
        self.inner.save_persisted_query(sha256, query, actor)

    def persisted_queries(self, hashes: Sequence[str]) -> dict[str, str]:
        return self.inner.persisted_queries(hashes)

    # -- InvestigationStore --------------------------------------------------
    def save_investigation(
        self, record: InvestigationRecord, expected_version: int
    ) -> InvestigationRecord:
        return self.inner.save_investigation(record, expected_version)

    def investigations(self, ids: Sequence[str] | None = None) -> list[InvestigationRecord]:
        return self.inner.investigations(ids)

    # -- Export ------------------------------------------------------------------------------
    def export_nodes(self, label: Label, fields: Sequence[str]) -> Iterator[NodeColumns]:
        return self.inner.export_nodes(label, fields)

    def export_values(self, label: Label, ids: Sequence[str], fields: Sequence[str]) -> NodeColumns:
        return self.inner.export_values(label, ids, fields)

    def export_edges(
        self, edge_type: EdgeType, fields: Sequence[str] = ()
    ) -> Iterator[EdgeColumns]:
        return self.inner.export_edges(edge_type, fields)

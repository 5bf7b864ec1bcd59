"""The store over one Cypher session: a few parts, each handed the session, behind the
operations of `graph.port`. It adds nothing of its own; each method is one part's."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from graph.cypher.aggregates import Aggregation
from graph.cypher.audit import Audit
from graph.cypher.bulk import BulkWrites
from graph.cypher.credentials import Credentials
from graph.cypher.events import Events
from graph.cypher.export import Export
from graph.cypher.investigations import Investigations
from graph.cypher.listing import Listing
from graph.cypher.lookups import Lookups
from graph.cypher.persisted import PersistedQueries
from graph.cypher.reads import Reads
from graph.cypher.risk_scores import RiskScores
from graph.cypher.session import CypherSession
from graph.cypher.statistics import Statistics
from graph.cypher.tree import Trees
from graph.cypher.writes import Writes
from graph.filters import Filter
from graph.measures import CountOf, Measure, Over
from graph.model import EdgeType, Label, Node
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


class CypherStore:
    """The GraphStore of a Cypher engine (see `graph.port` for what each operation does)."""

    def __init__(self, session: CypherSession) -> None:
        self.session = session
        self.reads = Reads(session)
        self.listing = Listing(session)
        self.aggregation = Aggregation(session, self.listing)
        self.trees = Trees(session)
        self.writes = Writes(session, self.reads)
        self.bulk = BulkWrites(session)
        self.lookups = Lookups(session)
        self.events = Events(session)
        self.statistics = Statistics(session)
        self.credentials = Credentials(session)
        self.audit = Audit(session)
        self.persisted = PersistedQueries(session)
        self.investigation_store = Investigations(session)
        self.export = Export(session)
        self.risk_scores = RiskScores(session)

    @property
    def engine(self) -> str:
        return self.session.engine

    @property
    def batch_size(self) -> int:
        return self.session.batch_size

    @batch_size.setter
    def batch_size(self, rows: int) -> None:
        self.session.batch_size = rows

    # -- lifecycle --------------------------------------------------------------------------
    def bootstrap(self) -> None:
        self.session.bootstrap()

    def clear(self) -> None:
        self.session.clear()

    def compact(self) -> None:
        self.session.compact()

    def close(self) -> None:
        self.session.close()

    # -- reads ------------------------------------------------------------------------------
    def get_nodes(self, refs: Sequence[NodeRef]) -> dict[NodeRef, NodeRecord]:
        return self.reads.get_nodes(refs)

    def existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        return self.reads.existing_ids(label, ids)

    def neighbours(
        self,
        refs: Sequence[NodeRef],
        types: Sequence[EdgeType] = (),
        direction: Direction = Direction.BOTH,
        limit: int = 100,
    ) -> dict[NodeRef, list[Neighbour]]:
        return self.reads.neighbours(refs, types, direction, limit)

    def expand(
        self,
        seeds: Sequence[NodeRef],
        hops: int,
        types: Sequence[EdgeType] = (),
        max_nodes: int = 10_000,
        fields: tuple[str, ...] | None = None,
    ) -> Subgraph:
        return self.reads.expand(seeds, hops, types, max_nodes, fields)

    def shortest_path(
        self, a: NodeRef, b: NodeRef, max_hops: int = 8, types: Sequence[EdgeType] = ()
    ) -> Path | None:
        return self.reads.shortest_path(a, b, max_hops, types)

    def run_read(self, cypher: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return self.session.read(cypher, dict(params))

    def search(
        self,
        text: str,
        labels: Sequence[Label] = (),
        limit: int = 20,
        within: Mapping[Label, Filter] | None = None,
    ) -> list[SearchHit]:
        return self.reads.search(text, labels, limit, within)

    def count_nodes(self) -> dict[Label, int]:
        return self.reads.count_nodes()

    def count_by(self, label: Label, field: str) -> dict[Any, int]:
        return self.reads.count_by(label, field)

    def grid_statistics(
        self, grid_ids: Sequence[str], now: datetime | None = None
    ) -> dict[str, GridStatistics]:
        return self.statistics.grid_statistics(grid_ids, now)

    # -- listing ----------------------------------------------------------------------------
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
        return self.listing.list_nodes(
            label, where, order_by, descending, first, after, last, before, branches, fields
        )

    def count_where(self, label: Label, where: Filter | None = None) -> int:
        return int(self.aggregation.aggregate(label, where, CountOf()))

    def aggregate(self, label: Label, where: Filter | None, measure: Measure) -> Any:
        return self.aggregation.aggregate(label, where, measure)

    def related_aggregates(
        self, over: Over, label: Label, where: Filter | None, measure: Measure
    ) -> dict[NodeRef, Any]:
        return self.aggregation.related_aggregates(over, label, where, measure)

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
        return self.trees.related(
            parents, edge_type, direction, target, where, first, after, last, before
        )

    def related_tree(
        self, parents: Sequence[NodeRef], branch: Branch
    ) -> dict[NodeRef, RelatedPage]:
        return self.trees.related_tree(parents, branch)

    def node_tree(
        self,
        ref: NodeRef,
        branches: Sequence[Branch],
        fields: tuple[str, ...] | None = None,
        where: Filter | None = None,
    ) -> RelatedItem | None:
        return self.trees.node_tree(ref, branches, fields, where)

    # -- record writes ----------------------------------------------------------------------
    def upsert_nodes(
        self, nodes: Iterable[Node], provenance: Provenance, partial: bool = False
    ) -> WriteResult:
        return self.writes.upsert_nodes(nodes, provenance, partial)

    def upsert_edges(
        self, edges: Iterable[Edge], provenance: Provenance, check_endpoints: bool = True
    ) -> WriteResult:
        return self.writes.upsert_edges(edges, provenance, check_endpoints)

    def upsert_node(
        self,
        node: Node,
        provenance: Provenance,
        expected_version: int | None = None,
        keep: Collection[str] = (),
    ) -> tuple[NodeRecord, bool]:
        return self.writes.upsert_node(node, provenance, expected_version, keep)

    def delete_node(
        self, ref: NodeRef, provenance: Provenance, expected_version: int | None = None
    ) -> None:
        self.writes.delete_node(ref, provenance, expected_version)

    def delete_edge(
        self, edge_type: EdgeType, source: NodeRef, target: NodeRef, provenance: Provenance
    ) -> int:
        return self.writes.delete_edge(edge_type, source, target, provenance)

    # -- bulk writes ------------------------------------------------------------------------
    def split_node_rows(
        self, label: Label, rows: Sequence[Row], source: str
    ) -> tuple[list[Row], list[Row], int]:
        return self.bulk.split_node_rows(label, rows, source)

    def split_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row]
    ) -> tuple[list[Row], list[Row], int]:
        return self.bulk.split_edge_rows(group, rows)

    def submit_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        return self.writes.submit_node_rows(label, rows, provenance)

    def submit_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        return self.writes.submit_edge_rows(group, rows, provenance)

    def submit_new_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        return self.bulk.submit_new_node_rows(label, rows, provenance)

    def submit_new_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        return self.bulk.submit_new_edge_rows(group, rows, provenance)

    # -- lookups ----------------------------------------------------------------------------
    def residents_by_id_number(self, id_numbers: Sequence[str]) -> dict[str, str]:
        return self.lookups.residents_by_id_number(id_numbers)

    def residents_by_name_birth_phone(
        self, keys: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], tuple[str, str | None]]:
        return self.lookups.residents_by_name_birth_phone(keys)

    def households_at(
        self, dwellings: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], str]:
        return self.lookups.households_at(dwellings)

    def aliases_of(self, refs: Iterable[NodeRef]) -> dict[NodeRef, NodeRef]:
        return self.lookups.aliases_of(refs)

    def record_aliases(self, aliases: dict[NodeRef, str]) -> None:
        self.lookups.record_aliases(aliases)

    # -- events -----------------------------------------------------------------------------
    def events_after(self, seq: int, limit: int = 1000) -> list[ChangeEvent]:
        return self.events.events_after(seq, limit)

    def last_event_seq(self) -> int:
        return self.events.last_event_seq()

    def revisions(self, ref: NodeRef) -> list[Revision]:
        return self.events.revisions(ref)

    def save_risk(self, save: RiskSave, provenance: Provenance) -> RiskSaved:
        return self.risk_scores.save_risk(save, provenance)

    def events_pruned_through(self) -> int:
        return self.events.pruned_through()

    def prune_events(self, through: int) -> int:
        return self.events.prune_events(through)

    def values_at(
        self, wanted: Sequence[tuple[NodeRef, int]]
    ) -> dict[tuple[NodeRef, int], dict[str, Any]]:
        return self.events.values_at(wanted)

    def grids_of(self, refs: Sequence[NodeRef]) -> dict[NodeRef, list[str]]:
        return self.events.grids_of(refs)

    def edge_values(
        self, edges: Sequence[tuple[EdgeType, NodeRef, NodeRef]]
    ) -> dict[tuple[EdgeType, NodeRef, NodeRef], dict[str, Any]]:
        return self.events.edge_values(edges)

    def on_commit(self, listener: Callable[[], None]) -> None:
        self.session.commit_listeners.append(listener)

    # -- credentials ------------------------------------------------------------------------
    def create_api_key(self, key: ApiKeyRecord, actor: str) -> None:
        self.credentials.create_api_key(key, actor)

    def api_key(self, key_id: str) -> ApiKeyRecord | None:
        return self.credentials.api_key(key_id)

    def api_keys(self) -> list[ApiKeyRecord]:
        return self.credentials.api_keys()

    def revoke_api_key(self, key_id: str, actor: str) -> bool:
        return self.credentials.revoke_api_key(key_id, actor)

    # -- audit trail ------------------------------------------------------------------------
    def append_audit(self, draft: AuditEntry) -> AuditEntry:
        return self.audit.append_audit(draft)

    def audit_head(self) -> tuple[int, str]:
        return self.audit.audit_head()

    def audit_entries(
        self, after: int = 0, limit: int = 1000, actor: str | None = None, since: str | None = None
    ) -> list[AuditEntry]:
        return self.audit.audit_entries(after, limit, actor, since)

    # -- persisted queries ------------------------------------------------------------------
    def save_persisted_query(self, sha256: str, query: str, actor: str) -> None:
        self.persisted.save_persisted_query(sha256, query, actor)

    def persisted_queries(self, hashes: Sequence[str]) -> dict[str, str]:
        return self.persisted.persisted_queries(hashes)

    # -- investigations ---------------------------------------------------------------------
    def save_investigation(
        self, record: InvestigationRecord, expected_version: int
    ) -> InvestigationRecord:
        return self.investigation_store.save_investigation(record, expected_version)

    def investigations(self, ids: Sequence[str] | None = None) -> list[InvestigationRecord]:
        return self.investigation_store.investigations(ids)

    # -- export -----------------------------------------------------------------------------
    def export_nodes(self, label: Label, fields: Sequence[str]) -> Iterator[NodeColumns]:
        return self.export.export_nodes(label, fields)

    def export_values(self, label: Label, ids: Sequence[str], fields: Sequence[str]) -> NodeColumns:
        return self.export.export_values(label, ids, fields)

    def export_edges(
        self, edge_type: EdgeType, fields: Sequence[str] = ()
    ) -> Iterator[EdgeColumns]:
        return self.export.export_edges(edge_type, fields)

"""The store port: what the rest of the product may ask of a graph engine, as narrow
protocols. Code outside `graph/` is typed against the ones it uses; both adapters satisfy
every one (mypy checks it: `graph.adapters` assigns each store to `GraphStore`). All writes
are batched, and each records its change events in the same atomic write."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from graph.filters import Filter
from graph.measures import Measure, Over
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


class NodeReads(Protocol):
    def get_nodes(self, refs: Sequence[NodeRef]) -> dict[NodeRef, NodeRecord]:
        """Nodes by reference; absent ones are missing from the result."""

    def existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        """Which of `ids` exist as nodes of `label`."""


class Traversal(Protocol):
    def neighbours(
        self,
        refs: Sequence[NodeRef],
        types: Sequence[EdgeType] = (),
        direction: Direction = Direction.BOTH,
        limit: int = 100,
    ) -> dict[NodeRef, list[Neighbour]]:
        """Up to `limit` neighbours of each node, through the given relationship types."""

    def expand(
        self,
        seeds: Sequence[NodeRef],
        hops: int,
        types: Sequence[EdgeType] = (),
        max_nodes: int = 10_000,
        fields: tuple[str, ...] | None = None,
    ) -> Subgraph:
        """The subgraph within `hops` of the seeds, a round trip a hop; `fields`: props read."""

    def shortest_path(
        self, a: NodeRef, b: NodeRef, max_hops: int = 8, types: Sequence[EdgeType] = ()
    ) -> Path | None:
        """A shortest undirected path between two nodes, or None."""

    def run_read(self, cypher: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The rows of a read-only Cypher query written for both engines (the saved queries
        of `queries/explore`, checked for write clauses when they load)."""

    def search(
        self,
        text: str,
        labels: Sequence[Label] = (),
        limit: int = 20,
        within: Mapping[Label, Filter] | None = None,
    ) -> list[SearchHit]:
        """Nodes whose searchable text contains `text` (works for Chinese); with `within`, only
        nodes of the labels it names that match its filter for their label."""


class Listing(Protocol):
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
        """One page of nodes; forward with first/after, backward with last/before; each
        node's `branches` nested from the same query (`Page.nested`); `fields`: the
        properties read (None: all)."""

    def count_where(self, label: Label, where: Filter | None = None) -> int: ...

    def aggregate(self, label: Label, where: Filter | None, measure: Measure) -> Any:
        """`measure` (see `graph.measures`) over the `label` nodes that `where` keeps."""

    def related_aggregates(
        self, over: Over, label: Label, where: Filter | None, measure: Measure
    ) -> dict[NodeRef, Any]:
        """`measure` (see `graph.measures`) once per parent of `over`, over the `label` nodes
        it reaches through the relationship that `where` keeps, all parents in one round trip;
        a parent that reaches none gets the measure of nothing (0, [], a count of 0)."""

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
        """Related nodes of many parents (of one label) in one round trip, ordered by id."""

    def related_tree(
        self, parents: Sequence[NodeRef], branch: Branch
    ) -> dict[NodeRef, RelatedPage]:
        """`branch`'s page of each parent with its children's pages nested in each item, to
        any depth, in one round trip."""

    def node_tree(
        self,
        ref: NodeRef,
        branches: Sequence[Branch],
        fields: tuple[str, ...] | None = None,
        where: Filter | None = None,
    ) -> RelatedItem | None:
        """One node (its `fields`, or all its properties) with its branches' pages nested
        (`RelatedItem.nested`), in one round trip; None if there is no such node, or it does
        not match `where`."""


class Aggregates(Protocol):
    def count_nodes(self) -> dict[Label, int]:
        """Node counts per label."""

    def count_by(self, label: Label, field: str) -> dict[Any, int]:
        """Node counts of one label grouped by one property."""

    def grid_statistics(self, grid_ids: Sequence[str]) -> dict[str, GridStatistics]:
        """Population, housing and open incidents of grids, rolled up the hierarchy."""


class RecordWrites(Protocol):
    """Writes of a few entities at a time, with version checks (the API, the workflow)."""

    def upsert_nodes(
        self, nodes: Iterable[Node], provenance: Provenance, partial: bool = False
    ) -> WriteResult:
        """Create or update nodes by id; record one change event per node that changed."""

    def upsert_edges(
        self, edges: Iterable[Edge], provenance: Provenance, check_endpoints: bool = True
    ) -> WriteResult:
        """Create or update relationships; unknown endpoints refuse the whole call."""

    def upsert_node(
        self,
        node: Node,
        provenance: Provenance,
        expected_version: int | None = None,
        keep: Collection[str] = (),
    ) -> tuple[NodeRecord, bool]:
        """Create or update one node, refusing a stale `expected_version`."""

    def delete_node(
        self, ref: NodeRef, provenance: Provenance, expected_version: int | None = None
    ) -> None: ...

    def delete_edge(
        self, edge_type: EdgeType, source: NodeRef, target: NodeRef, provenance: Provenance
    ) -> int: ...


class BulkWrites(Protocol):
    """An ingest job's writes: rows split into new, changed and unchanged, then sent in
    batches ahead of their replies."""

    @property
    def batch_size(self) -> int:
        """Rows per write round trip."""

    def split_node_rows(
        self, label: Label, rows: Sequence[Row], source: str
    ) -> tuple[list[Row], list[Row], int]: ...

    def split_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row]
    ) -> tuple[list[Row], list[Row], int]: ...

    def submit_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite: ...

    def submit_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite: ...

    def submit_new_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite: ...

    def submit_new_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite: ...


class Lookups(Protocol):
    """Entity resolution: stored residents, households and aliases by natural keys."""

    def residents_by_id_number(self, id_numbers: Sequence[str]) -> dict[str, str]: ...

    def residents_by_name_birth_phone(
        self, keys: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], tuple[str, str | None]]: ...

    def households_at(
        self, dwellings: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], str]: ...

    def aliases_of(self, refs: Iterable[NodeRef]) -> dict[NodeRef, NodeRef]: ...

    def record_aliases(self, aliases: dict[NodeRef, str]) -> None: ...


class EventLog(Protocol):
    def events_after(self, seq: int, limit: int = 1000) -> list[ChangeEvent]:
        """Change events with sequence greater than `seq`, oldest first."""

    def last_event_seq(self) -> int:
        """The sequence of the newest change event (0 when none)."""

    def revisions(self, ref: NodeRef) -> list[Revision]:
        """What updates replaced on a node, oldest first."""

    def prune_events(self, through: int) -> int:
        """Remove the change events up to sequence `through` (relayed); how many went."""

    def events_pruned_through(self) -> int:
        """The sequence up to which events were pruned (0: none): history before it is gone."""

    def values_at(
        self, wanted: Sequence[tuple[NodeRef, int]]
    ) -> dict[tuple[NodeRef, int], dict[str, Any]]:
        """Nodes' stored values at given versions (also of deleted nodes), from the node or
        its Revision snapshots; a version nothing holds any more is missing."""

    def grids_of(self, refs: Sequence[NodeRef]) -> dict[NodeRef, list[str]]:
        """The grids each stored node is placed in, with every grid above them."""

    def edge_values(
        self, edges: Sequence[tuple[EdgeType, NodeRef, NodeRef]]
    ) -> dict[tuple[EdgeType, NodeRef, NodeRef], dict[str, Any]]:
        """The stored properties of the relationships that exist."""


class Export(Protocol):
    """The whole graph read out a batch at a time (in-memory projections, `risk/`)."""

    def export_nodes(self, label: Label, fields: Sequence[str]) -> Iterator[NodeColumns]:
        """Every node of `label`: its internal id, its id and the `fields` it holds."""
        ...

    def export_values(self, label: Label, ids: Sequence[str], fields: Sequence[str]) -> NodeColumns:
        """The nodes of `label` with these ids that exist, as `export_nodes` gives them (a
        projection brought up to date reads what changed with it)."""
        ...

    def export_edges(
        self, edge_type: EdgeType, fields: Sequence[str] = ()
    ) -> Iterator[EdgeColumns]:
        """Every relationship of `edge_type`: its ends' internal ids and its `fields`. The
        internal ids are those `export_nodes` gives, valid while neither end is deleted."""
        ...


class Lifecycle(Protocol):
    @property
    def engine(self) -> str:
        """The engine's name: falkordb or neo4j."""

    def bootstrap(self) -> None:
        """Create constraints, indexes and the event counter; safe to run again."""

    def clear(self) -> None:
        """Delete every node, relationship and event (tests and `store reset`)."""

    def compact(self) -> None:
        """Make the engine's files compact after a bulk load."""

    def close(self) -> None:
        """Release connections."""

    def on_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after each atomic write this process commits (the change relay
        wakes on it)."""


class Credentials(Protocol):
    """API keys: digests of their secrets and the principals they stand for."""

    def create_api_key(self, key: ApiKeyRecord, actor: str) -> None: ...

    def api_key(self, key_id: str) -> ApiKeyRecord | None: ...

    def api_keys(self) -> list[ApiKeyRecord]: ...

    def revoke_api_key(self, key_id: str, actor: str) -> bool:
        """Revoke a key; False if there is no such key or it was revoked before."""
        ...


class AuditTrail(Protocol):
    """The append-only, hash-chained record of writes and of reads of personal fields."""

    def append_audit(self, draft: AuditEntry) -> AuditEntry:
        """Append after the last entry; the seq and hashes of `draft` are filled in."""
        ...

    def audit_head(self) -> tuple[int, str]:
        """The last entry's sequence and hash, as the trail's head records them."""
        ...

    def audit_entries(
        self, after: int = 0, limit: int = 1000, actor: str | None = None, since: str | None = None
    ) -> list[AuditEntry]: ...


class PersistedQueryStore(Protocol):
    """GraphQL documents registered by the SHA-256 of their text."""

    def save_persisted_query(self, sha256: str, query: str, actor: str) -> None: ...

    def persisted_queries(self, hashes: Sequence[str]) -> dict[str, str]:
        """The registered text of each hash that has one."""
        ...


class InvestigationStore(Protocol):
    """Investigators' saved working sets (versioned; shared with named users)."""

    def save_investigation(
        self, record: InvestigationRecord, expected_version: int
    ) -> InvestigationRecord:
        """Create (expected version 0) or update one, refusing a stale version."""

    def investigations(self, ids: Sequence[str] | None = None) -> list[InvestigationRecord]:
        """Investigations by id, or every one, newest first."""


class RiskScores(Protocol):
    def save_risk(self, save: RiskSave, provenance: Provenance) -> RiskSaved:
        """Store the scores on their nodes (those that exist) with the time, and record a
        `risk_alert` change event for each that crossed the threshold, in the same write."""
        ...


class RecordStore(NodeReads, RecordWrites, Protocol):
    """Reads nodes and writes a few at a time (the incident workflow, device alerts)."""


class GraphStore(
    NodeReads,
    Traversal,
    Listing,
    Aggregates,
    RecordWrites,
    BulkWrites,
    Lookups,
    EventLog,
    Credentials,
    AuditTrail,
    PersistedQueryStore,
    InvestigationStore,
    Export,
    RiskScores,
    Lifecycle,
    Protocol,
):
    """Everything a graph engine provides."""

"""The values the store takes and returns: references, records, relationships, pages,
events and write results (the operations are in `graph.port`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from graph.filters import Filter
from graph.model import EdgeType, Label

# Stored properties that are the store's own bookkeeping, never part of a node's data.
INTERNAL_PROPS = frozenset({"id", "search_text", "prop_hash"})

# Property indexes beyond the id of every label: resident resolution by ID number or phone, the
# Revision snapshots (old values of updated nodes) by the node they belong to, and the aliases
# (ids that sources use for a node stored under another id) by `Label:id`.
LOOKUP_INDEXES = (
    ("Resident", "id_number"),
    ("Resident", "phone"),
    ("Revision", "rev_of"),
    ("IdAlias", "key"),
)
# Domain properties no two nodes of a label may share (besides `id`): an ID number belongs to
# one resident. Nodes without the property are not constrained.
UNIQUE_PROPERTIES = (("Resident", "id_number"),)


def visible_props(props: dict[str, Any]) -> dict[str, Any]:
    """A stored property map without the store's bookkeeping properties."""
    return {k: v for k, v in props.items() if k not in INTERNAL_PROPS}


class NodeRef(NamedTuple):
    """A node's global identity: its label and its id (a tuple: hashed and compared in C, as
    bulk ingest does millions of times)."""

    label: Label
    id: str

    @classmethod
    def parse(cls, text: str) -> NodeRef:
        """`Resident:R00000001` → NodeRef; raises ValueError naming what is wrong."""
        label, sep, node_id = text.partition(":")
        if not sep or not node_id:
            raise ValueError("node id must look like 'Label:id', e.g. 'Resident:R00000001'")
        try:
            return cls(Label(label), node_id)
        except ValueError:
            raise ValueError(f"unknown node label {label!r}") from None

    def __str__(self) -> str:
        return f"{self.label}:{self.id}"


def ids_by_label(refs: Iterable[NodeRef]) -> dict[Label, list[str]]:
    """The ids of `refs` grouped by label, each once, in the order given."""
    grouped: dict[Label, list[str]] = {}
    for ref in dict.fromkeys(refs):
        grouped.setdefault(ref.label, []).append(ref.id)
    return grouped


@dataclass(frozen=True)
class NodeRecord:
    """A stored node: its properties include provenance (`prov_source`, `created_at`...)."""

    label: Label
    id: str
    props: dict[str, Any]

    @property
    def ref(self) -> NodeRef:
        return NodeRef(self.label, self.id)


@dataclass(frozen=True)
class Edge:
    """A relationship to write: endpoints, type and validated properties."""

    type: EdgeType
    source: NodeRef
    target: NodeRef
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EdgeRecord:
    type: EdgeType
    source: NodeRef
    target: NodeRef
    props: dict[str, Any]


class Direction(StrEnum):
    OUT = "out"
    IN = "in"
    BOTH = "both"


@dataclass(frozen=True)
class Neighbour:
    """One hop from a node: the relationship and the node at its other end."""

    origin: NodeRef
    edge: EdgeRecord
    node: NodeRecord


@dataclass
class Subgraph:
    nodes: dict[NodeRef, NodeRecord] = field(default_factory=dict)
    edges: list[EdgeRecord] = field(default_factory=list)
    truncated: bool = False

    def to_dict(self, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
        """A JSON-ready export (node-link form) for analysis tools; `hidden` props left out."""
        return {
            "nodes": [
                {
                    "id": str(ref),
                    "label": ref.label.value,
                    "props": {k: v for k, v in node.props.items() if k not in hidden},
                }
                for ref, node in self.nodes.items()
            ],
            "links": [
                {
                    "source": str(e.source),
                    "target": str(e.target),
                    "type": e.type.value,
                    "props": e.props,
                }
                for e in self.edges
            ],
            "truncated": self.truncated,
        }


@dataclass(frozen=True)
class Path:
    nodes: list[NodeRecord]
    edges: list[EdgeRecord]

    @property
    def length(self) -> int:
        return len(self.edges)


@dataclass(frozen=True)
class SearchHit:
    node: NodeRecord
    score: float


@dataclass(frozen=True)
class ChangeEvent:
    """One recorded change, written in the same atomic write as the change itself. A bulk
    create (a batch of an ingest job) is one event listing every entity it created."""

    seq: int
    kind: str  # node_created | node_updated | node_deleted | edge_created | edge_updated | ...
    label: str  # node label or relationship type
    entity_ids: list[str]  # Label:id of each node; of each relationship its source and target
    fields: list[str]  # the properties written (of a bulk create: those any of its rows set)
    actor: str
    source: str
    at: str
    version: int | None = None  # of a node event: the node's version the change made
    grid_ids: list[str] = field(default_factory=list)  # of a deletion: where the node was
    # Of a bulk create: each entity's non-personal values, JSON keyed by global id (of a
    # relationship `source->target`), so the relay need not read them back.
    entity_values: str | None = None


@dataclass(frozen=True)
class WriteResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


@dataclass(frozen=True)
class Revision:
    """One update (or the deletion) of a node: when, by which source and actor, the fields it
    wrote and the values it replaced; `snapshot` is the whole node as it was, at `version`."""

    at: str
    source: str
    actor: str
    old: dict[str, Any]
    version: int = 0
    fields: list[str] = field(default_factory=list)
    snapshot: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False


@dataclass(frozen=True)
class Provenance:
    """Who wrote: the source system (or 'api'), and the actor or ingest job."""

    source: str
    actor: str


@dataclass(frozen=True)
class Page:
    records: list[NodeRecord]
    keys: list[tuple[Any, str]]  # (sort value, id) of each record: the cursor material
    has_next: bool
    has_previous: bool
    # Pages of each record's relationships fetched with it (`Branch.key` → page), when asked.
    nested: list[dict[str, RelatedPage]] = field(default_factory=list)


@dataclass(frozen=True)
class RelatedItem:
    node: NodeRecord
    edge_props: dict[str, Any]
    # Pages of the node's own relationships fetched with it (`Branch.children`), by key.
    nested: dict[str, RelatedPage] = field(default_factory=dict)
    sort: Any = None  # the value its list is ordered by, where that is not the id


@dataclass
class RelatedPage:
    items: list[RelatedItem] = field(default_factory=list)
    total: int | None = 0  # None where the branch was not counted (`Branch.count`)
    has_next: bool = False
    has_previous: bool = False
    order_by: str = "id"  # what its items are ordered by (then by id)


@dataclass
class GridStatistics:
    buildings: int = 0
    households: int = 0
    residents: int = 0
    residents_by_tag: Counter[str] = field(default_factory=Counter)
    open_incidents_by_status: Counter[str] = field(default_factory=Counter)
    open_incidents_by_category: Counter[str] = field(default_factory=Counter)
    overdue_incidents: int = 0


@dataclass(frozen=True)
class Branch:
    """A relationship list to fetch with its parents, and the lists to fetch with each of
    its nodes: one query for the whole tree (see `graph.port.Listing.related_tree`)."""

    key: str  # what the caller finds the pages under (`RelatedItem.nested`)
    edge_type: EdgeType
    direction: Direction
    target: Label | None
    where: Filter | None = None
    first: int | None = None
    # Where the page starts and ends: an id, or (sort value, id) when ordered by a field.
    after: Any = None
    last: int | None = None
    before: Any = None
    children: tuple[Branch, ...] = ()
    count: bool = True  # count every related node too (`RelatedPage.total`)
    edge_props: bool = True  # read each relationship's properties (`RelatedItem.edge_props`)
    fields: tuple[str, ...] | None = None  # the properties to read of each node; None: all
    order_by: str = "id"  # a field of the target to order by (then by id)
    descending: bool = False


@dataclass(frozen=True)
class ApiKeyRecord:
    """An API key as stored: the SHA-256 digest of its secret, and whom it stands for."""

    id: str
    digest: str
    name: str
    role: str
    grids: tuple[str, ...] = ()
    org: str | None = None
    household: str | None = None
    created_at: str = ""
    created_by: str = ""
    revoked_at: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """Who did what, when, from where: one write or one read of personal fields. Personal
    fields are named, never valued. `hash` chains it to the entry before (see graph.audit)."""

    seq: int
    at: str
    actor: str
    role: str
    method: str  # how the caller authenticated: jwt | apikey | cli
    operation: str  # the GraphQL operation's name, or the endpoint
    fields: tuple[str, ...]  # the root fields it ran
    node_ids: tuple[str, ...]  # the entities it named
    personal_fields: tuple[str, ...] = ()
    purpose: str | None = None
    client: str | None = None  # the caller's address
    outcome: str = "ok"  # ok | errors
    prev_hash: str = ""
    hash: str = ""


@dataclass(frozen=True)
class RiskSave:
    """A risk assessment to store on the nodes it rates: each node's score, the hazard, and
    the score whose crossing (from below) raises a risk alert."""

    assessment_id: str
    hazard: str
    threshold: float
    scores: dict[NodeRef, float]


@dataclass(frozen=True)
class RiskSaved:
    saved: int  # nodes that hold the scores now
    alerted: list[NodeRef]  # those whose score crossed the threshold (a risk alert each)
    at: str  # the time stored with the scores (ISO, UTC)


@dataclass(frozen=True)
class NodeColumns:
    """A batch of one label's nodes, as columns: the engine's internal id of each (what a
    relationship's ends are exported as), its id, and each property asked for."""

    keys: list[int]
    ids: list[str]
    values: dict[str, list[Any]]


@dataclass(frozen=True)
class EdgeColumns:
    """A batch of one type's relationships, as columns: the internal ids of their sources
    and targets, and each property asked for."""

    sources: list[int]
    targets: list[int]
    values: dict[str, list[Any]]


@dataclass(frozen=True)
class InvestigationRecord:
    """An investigator's saved working set: the nodes, notes and drawing positions (`layout`,
    JSON of id → [x, y]), its owner and the users it is shared with."""

    id: str
    title: str
    owner: str
    shared_with: list[str] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)
    notes: str = ""
    layout: str = "{}"
    created_at: str = ""
    updated_at: str = ""
    version: int = 0

"""Engine-neutral half of the GraphStore adapters: batching, validation, result shaping.

Adapters subclass `CypherStore` and provide `_read`/`_write` (one Cypher statement, one
atomic round trip) plus the few operations whose Cypher differs per engine.
"""

from __future__ import annotations

import typing
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

from graph.core import Positional, Row
from graph.errors import InvalidInputError, UnknownReferenceError
from graph.listing import ListingMixin
from graph.metrics import STORE_QUERIES, STORE_QUERY_SECONDS
from graph.model import NODE_MODELS, EdgeType, Label, Node
from graph.mutations import MutationMixin
from graph.pipeline import Receive, SentWrites
from graph.rows import (
    EdgeGroup,
    NodeState,
    PendingWrite,
    RowsParam,
    Send,
    ToPositional,
    chunks,
    edge_fields,
    edge_write_row,
    node_fields,
    node_write_row,
    now_iso,
    positional_props,
)
from graph.search_text import contains, query_grams
from graph.statistics import StatisticsMixin
from graph.store import (
    ChangeEvent,
    Direction,
    Edge,
    EdgeRecord,
    Neighbour,
    NodeRecord,
    NodeRef,
    Path,
    Provenance,
    Revision,
    SearchHit,
    Subgraph,
    WriteResult,
    visible_props,
)
from queries import cypher

MAX_REPORTED_PROBLEMS = 20


def _keyed_rows(batch: Sequence[Row]) -> list[Row]:
    """Upsert rows as sent: each map plus its index in the batch."""
    return [{**row, "i": i} for i, row in enumerate(batch, start=1)]


_ABSENT: Any = object()  # the state of an entity that is not stored


def _split_rows(
    rows: Sequence[Row], state_of: Callable[[Row], Any], unchanged_by: Callable[[Row, Any], bool]
) -> tuple[list[Row], list[Row], int]:
    """Rows of entities not stored (state `_ABSENT`), rows that change stored ones, and how
    many rows change nothing, by each row's stored state."""
    new: list[Row] = []
    changed: list[Row] = []
    unchanged = 0
    for row in rows:
        state = state_of(row)
        if state is _ABSENT:
            new.append(row)
        elif unchanged_by(row, state):
            unchanged += 1
        else:
            changed.append(row)
    return new, changed, unchanged


def _values(values: dict[str, Any], names: Sequence[str]) -> list[Any]:
    return [values.get(name) for name in names]


def _rel_pattern(types: Sequence[EdgeType], direction: Direction) -> str:
    rel = "[r" + (":" + "|".join(EdgeType(t).value for t in types) if types else "") + "]"
    return {Direction.OUT: f"-{rel}->", Direction.IN: f"<-{rel}-", Direction.BOTH: f"-{rel}-"}[
        direction
    ]


def _is_list_field(label: Label, field: str) -> bool:
    annotation = NODE_MODELS[label].model_fields[field].annotation
    return typing.get_origin(annotation) is list


class CypherStore(ListingMixin, MutationMixin, StatisticsMixin, ABC):
    """Shared implementation of the GraphStore protocol over a Cypher engine."""

    engine: str

    def __init__(self, batch_size: int = 5000) -> None:
        self.batch_size = batch_size
        self._sent = SentWrites()  # pipelined writes not yet answered (see `_send_write`)

    # -- engine hooks -------------------------------------------------------------------
    @abstractmethod
    def _engine_read(self, query: str, params: dict[str, Any] | None) -> list[Row]: ...

    @abstractmethod
    def _engine_write(self, query: str, params: dict[str, Any] | None) -> list[Row]: ...

    @abstractmethod
    def _search_candidates(
        self, grams: list[str], labels: Sequence[Label], limit: int
    ) -> list[tuple[Label, str, dict[str, Any], float]]: ...

    @abstractmethod
    def _shortest_path_query(
        self, a: NodeRef, b: NodeRef, max_hops: int, types: Sequence[EdgeType]
    ) -> str: ...

    @abstractmethod
    def bootstrap(self) -> None: ...

    @abstractmethod
    def clear(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    def compact(self) -> None:
        """Make the engine's files compact after a bulk load (where the engine needs it)."""

    def _engine_send(self, query: str, params: dict[str, Any]) -> Receive:
        """Send one write and return what reads its reply; engines that can pipeline return
        before the engine has run it. This default runs it at once."""
        rows = self._engine_write(query, params)
        return lambda: rows

    def _read(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        """One read round trip (counted in `civicgraph_store_queries_total`); it sees every
        write sent before it."""
        self._sent.await_all()
        STORE_QUERIES.labels(self.engine, "read").inc()
        with STORE_QUERY_SECONDS.labels(self.engine, "read").time():
            return self._engine_read(query, params)

    def _write(self, query: str, params: dict[str, Any] | None = None) -> list[Row]:
        """One atomic write round trip (counted in `civicgraph_store_queries_total`), after
        every write sent before it."""
        self._sent.await_all()
        STORE_QUERIES.labels(self.engine, "write").inc()
        with STORE_QUERY_SECONDS.labels(self.engine, "write").time():
            return self._engine_write(query, params)

    def _q(self, name: str, **slots: str) -> str:
        return cypher(name, self.engine, **slots)

    # -- writes -------------------------------------------------------------------------
    def upsert_nodes(
        self, nodes: Iterable[Node], provenance: Provenance, partial: bool = False
    ) -> WriteResult:
        """Create or update nodes in batches (`partial`: see `node_write_row`)."""
        by_label: dict[Label, dict[str, Row]] = defaultdict(dict)
        for node in nodes:
            by_label[node.label][node.id] = node_write_row(node, partial)
        result = WriteResult()
        for label, rows in by_label.items():
            result += self.upsert_node_rows(label, list(rows.values()), provenance)
        return result

    def upsert_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> WriteResult:
        """Write rows made by `node_write_row` (one id at most once)."""
        query = self._q("upsert_nodes", LABEL=label.value)
        return self._submit(query, rows, provenance, self._write_now)()

    def submit_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        """Send the writes of `upsert_node_rows`; the returned call waits for their result."""
        query = self._q("upsert_nodes", LABEL=label.value)
        return self._submit(query, rows, provenance, self._send_write)

    def upsert_edges(
        self, edges: Iterable[Edge], provenance: Provenance, check_endpoints: bool = True
    ) -> WriteResult:
        """Create or update relationships; UnknownReferenceError names missing endpoints
        (`check_endpoints=False` when the caller has just checked them itself)."""
        edge_list = list(edges)
        groups = self._validated_edge_groups(edge_list)
        if check_endpoints:
            self._require_endpoints(edge_list)
        result = WriteResult()
        for group, rows in groups.items():
            result += self.upsert_edge_rows(group, list(rows.values()), provenance)
        return result

    def upsert_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> WriteResult:
        """Write rows made by `edge_write_row` (one source-target pair at most once)."""
        return self._submit(self._edge_query(group), rows, provenance, self._write_now)()

    def submit_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        """Send the writes of `upsert_edge_rows`; the returned call waits for their result."""
        return self._submit(self._edge_query(group), rows, provenance, self._send_write)

    def _edge_query(self, group: EdgeGroup) -> str:
        edge_type, source, target = group
        return self._q(
            "upsert_edges", TYPE=edge_type.value, SOURCE=source.value, TARGET=target.value
        )

    def _submit(
        self, query: str, rows: Sequence[Row], provenance: Provenance, send: Send
    ) -> PendingWrite:
        """Send an upsert query over `rows` with `send`, one atomic write per batch."""
        sent = self._send_batches(query, rows, provenance, send, _keyed_rows)

        def result() -> WriteResult:
            total = WriteResult()
            for batch, reply in sent:
                records = reply()
                created = int(records[0]["created"] or 0) if records else 0
                changed = int(records[0]["changed"] or 0) if records else 0
                total += WriteResult(created, changed - created, len(batch) - changed)
            return total

        return result

    # -- bulk writes of entities not stored yet ----------------------------------------------
    def node_states(self, label: Label, ids: Sequence[str]) -> dict[str, NodeState]:
        """Digest and sources of the stored nodes among `ids` (what an upsert compares with)."""
        query = self._q("node_states", LABEL=label.value)
        return {
            row["id"]: (row["hash"], list(row["sources"] or []))
            for row in self._read_chunked(query, "ids", ids)
        }

    def split_node_rows(
        self, label: Label, rows: Sequence[Row], source: str
    ) -> tuple[list[Row], list[Row], int]:
        """Rows of nodes not stored yet, rows that change stored nodes, and how many rows
        change nothing (same digest, source already listed), after one read."""
        states = self.node_states(label, [row["id"] for row in rows])
        return _split_rows(
            rows,
            lambda row: states.get(row["id"], _ABSENT),
            lambda row, state: state[0] == row["hash"] and source in state[1],
        )

    def edge_states(
        self, group: EdgeGroup, pairs: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], str | None]:
        """Digests of the stored relationships of `group` among the (source, target) pairs."""
        edge_type, source, target = group
        query = self._q(
            "edge_states", TYPE=edge_type.value, SOURCE=source.value, TARGET=target.value
        )
        return {
            (row["source"], row["target"]): row["hash"]
            for row in self._read_chunked(query, "pairs", pairs)
        }

    def split_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row]
    ) -> tuple[list[Row], list[Row], int]:
        """Rows of relationships not stored yet, rows that change stored ones, and how many
        rows change nothing (same digest), after one read."""
        states = self.edge_states(group, [(row["source"], row["target"]) for row in rows])
        return _split_rows(
            rows,
            lambda row: states.get((row["source"], row["target"]), _ABSENT),
            lambda row, digest: digest == row["hash"],
        )

    def submit_new_node_rows(
        self, label: Label, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        """Send plain creates of nodes that `split_node_rows` found new (cheaper than upserts);
        a batch that meets a node created meanwhile is upserted instead, when awaited."""
        names = node_fields(label)
        create = self._q("create_nodes", LABEL=label.value, PROPS=positional_props(names))

        def positional(row: Row) -> list[Any]:
            values = {**row["defaults"], **row["props"]}
            return [row["id"], row["search"], row["hash"], _values(values, names)]

        upsert = self._q("upsert_nodes", LABEL=label.value)
        return self._submit_new(create, upsert, rows, provenance, positional)

    def submit_new_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        """Send plain creates of relationships that `split_edge_rows` found new, or with an
        end just created by `submit_new_node_rows`; a batch that finds one existing is
        upserted, when awaited."""
        edge_type, source, target = group
        names = edge_fields(edge_type)
        create = self._q(
            "create_edges",
            TYPE=edge_type.value,
            SOURCE=source.value,
            TARGET=target.value,
            PROPS=positional_props(names),
        )

        def positional(row: Row) -> list[Any]:
            values = _values(row["props"], names)
            return [row["source"], row["target"], row["hash"], values]

        # The rows of one write all set the same properties, so its event names exactly what
        # each relationship it created got, even when one is skipped (made meanwhile).
        by_fields: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        for row in rows:
            by_fields[tuple(row["fields"])].append(row)
        upsert = self._edge_query(group)
        sent = [
            self._submit_new(create, upsert, same, provenance, positional)
            for same in by_fields.values()
        ]
        return lambda: sum((pending() for pending in sent), WriteResult())

    def _submit_new(
        self,
        create: str,
        upsert: str,
        rows: Sequence[Row],
        provenance: Provenance,
        positional: ToPositional,
    ) -> PendingWrite:
        def rows_param(batch: Sequence[Row]) -> list[Any]:
            return Positional(map(positional, batch))

        def fields(batch: Sequence[Row]) -> dict[str, Any]:
            """The properties the batch's rows set (its one change event lists them)."""
            return {"fields": sorted(set(chain.from_iterable(row["fields"] for row in batch)))}

        sent = self._send_batches(create, rows, provenance, self._send_write, rows_param, fields)

        def result() -> WriteResult:
            total = WriteResult()
            for batch, reply in sent:
                try:
                    records = reply()
                    created = int(records[0]["created"] or 0) if records else 0
                except InvalidInputError:  # a unique id taken meanwhile: nothing was written
                    created = 0
                if created == len(batch):
                    total += WriteResult(created=created)
                    continue
                # Another writer got there first: upsert the batch (what this write created
                # comes back unchanged, so it is counted once, as created).
                redo = self._submit(upsert, batch, provenance, self._write_now)()
                total += WriteResult(created + redo.created, redo.updated, redo.unchanged - created)
            return total

        return result

    def _send_batches(
        self,
        query: str,
        rows: Sequence[Row],
        provenance: Provenance,
        send: Send,
        rows_param: RowsParam,
        batch_params: Callable[[Sequence[Row]], dict[str, Any]] | None = None,
    ) -> list[tuple[Sequence[Row], Callable[[], list[Row]]]]:
        """Send `query` once per batch of `rows`, all with one timestamp; `rows_param` shapes
        a batch, `batch_params` adds parameters of its own."""
        now = now_iso()
        sent = []
        for batch in chunks(rows, self.batch_size):
            params = {
                "rows": rows_param(batch),
                "now": now,
                "source": provenance.source,
                "actor": provenance.actor,
                **(batch_params(batch) if batch_params else {}),
            }
            sent.append((batch, send(query, params)))
        return sent

    def _write_now(self, query: str, params: dict[str, Any]) -> Callable[[], list[Row]]:
        rows = self._write(query, params)
        return lambda: rows

    def _send_write(self, query: str, params: dict[str, Any]) -> Callable[[], list[Row]]:
        """Send one atomic write; the returned call waits for its rows. An engine that can
        pipeline lets the caller work while it writes; every later read or write on the store
        first waits for what was sent before it. Pipelined writes belong to one thread (an
        ingest job); the API writes synchronously."""
        STORE_QUERIES.labels(self.engine, "write").inc()
        return self._sent.add(self._engine_send(query, params))

    def _validated_edge_groups(
        self, edges: Sequence[Edge]
    ) -> dict[EdgeGroup, dict[tuple[str, str], Row]]:
        problems: list[str] = []
        groups: dict[EdgeGroup, dict[tuple[str, str], Row]] = defaultdict(dict)
        for i, edge in enumerate(edges):
            try:
                group, row = edge_write_row(edge, f"edges[{i}]")
            except InvalidInputError as exc:
                problems.extend(exc.problems)
                continue
            groups[group][(edge.source.id, edge.target.id)] = row
        if problems:
            raise InvalidInputError(problems[:MAX_REPORTED_PROBLEMS])
        return groups

    def _require_endpoints(self, edges: Sequence[Edge]) -> None:
        wanted: dict[Label, set[str]] = defaultdict(set)
        for edge in edges:
            wanted[edge.source.label].add(edge.source.id)
            wanted[edge.target.label].add(edge.target.id)
        missing = {
            NodeRef(label, node_id)
            for label, ids in wanted.items()
            for node_id in ids - self.existing_ids(label, sorted(ids))
        }
        if not missing:
            return
        problems = []
        for i, edge in enumerate(edges):
            for end, ref in (("source", edge.source), ("target", edge.target)):
                if ref in missing:
                    problems.append(f"edges[{i}].{end}: {ref} does not exist")
        raise UnknownReferenceError(problems[:MAX_REPORTED_PROBLEMS])

    def existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        """Which of `ids` exist as nodes of `label`."""
        query = self._q("existing_ids", LABEL=label.value)
        return {row["id"] for row in self._read_chunked(query, "ids", ids)}

    def _read_chunked(self, query: str, name: str, values: Sequence[Any]) -> Iterator[Row]:
        """The rows of `query` over `values`, passed as parameter `name` a few batches' worth
        at a time (one read each)."""
        for chunk in chunks(values, self.batch_size * 4):
            yield from self._read(query, {name: Positional(chunk)})

    # -- reads --------------------------------------------------------------------------
    def get_nodes(self, refs: Sequence[NodeRef]) -> dict[NodeRef, NodeRecord]:
        by_label: dict[Label, list[str]] = defaultdict(list)
        for ref in dict.fromkeys(refs):
            by_label[ref.label].append(ref.id)
        found: dict[NodeRef, NodeRecord] = {}
        for label, ids in by_label.items():
            for row in self._read(self._q("get_nodes", LABEL=label.value), {"ids": ids}):
                record = NodeRecord(label, row["id"], visible_props(dict(row["props"])))
                found[record.ref] = record
        return found

    def neighbours(
        self,
        refs: Sequence[NodeRef],
        types: Sequence[EdgeType] = (),
        direction: Direction = Direction.BOTH,
        limit: int = 100,
    ) -> dict[NodeRef, list[Neighbour]]:
        pattern = _rel_pattern(types, Direction(direction))
        by_label: dict[Label, list[str]] = defaultdict(list)
        for ref in dict.fromkeys(refs):
            by_label[ref.label].append(ref.id)
        result: dict[NodeRef, list[Neighbour]] = {ref: [] for ref in refs}
        for label, ids in by_label.items():
            query = self._q("neighbours", LABEL=label.value, PATTERN=pattern)
            for row in self._read(query, {"ids": ids, "limit": limit}):
                origin = NodeRef(label, row["origin"])
                other = NodeRecord(
                    Label(row["label"]), row["id"], visible_props(dict(row["props"]))
                )
                source, target = (origin, other.ref) if row["outgoing"] else (other.ref, origin)
                edge = EdgeRecord(EdgeType(row["type"]), source, target, dict(row["rel_props"]))
                result[origin].append(Neighbour(origin, edge, other))
        return result

    def expand(
        self,
        seeds: Sequence[NodeRef],
        hops: int,
        types: Sequence[EdgeType] = (),
        max_nodes: int = 10_000,
    ) -> Subgraph:
        graph = Subgraph(nodes=self.get_nodes(seeds))
        seen_edges: set[tuple[EdgeType, NodeRef, NodeRef]] = set()
        frontier = list(graph.nodes)
        for _ in range(hops):
            if not frontier:
                break
            next_frontier: list[NodeRef] = []
            for items in self.neighbours(frontier, types, Direction.BOTH, max_nodes).values():
                for item in items:
                    ref = item.node.ref
                    if ref not in graph.nodes:
                        if len(graph.nodes) >= max_nodes:
                            graph.truncated = True
                            continue
                        graph.nodes[ref] = item.node
                        next_frontier.append(ref)
                    key = (item.edge.type, item.edge.source, item.edge.target)
                    if key not in seen_edges:
                        seen_edges.add(key)
                        graph.edges.append(item.edge)
            frontier = next_frontier
        return graph

    def shortest_path(
        self, a: NodeRef, b: NodeRef, max_hops: int = 8, types: Sequence[EdgeType] = ()
    ) -> Path | None:
        if a == b:
            found = self.get_nodes([a])
            return Path([found[a]], []) if a in found else None
        query = self._shortest_path_query(a, b, max_hops, types)
        rows = self._read(query, {"a": a.id, "b": b.id})
        if not rows:
            return None
        row = rows[0]
        nodes = [
            NodeRecord(Label(n["label"]), n["id"], visible_props(dict(n["props"])))
            for n in row["nodes"]
        ]
        edges = [
            EdgeRecord(
                EdgeType(r["type"]),
                NodeRef(Label(r["source_label"]), r["source"]),
                NodeRef(Label(r["target_label"]), r["target"]),
                dict(r["props"]),
            )
            for r in row["rels"]
        ]
        return Path(nodes, edges)

    def search(self, text: str, labels: Sequence[Label] = (), limit: int = 20) -> list[SearchHit]:
        grams = query_grams(text)
        if not grams:
            return []
        searchable = [lbl for lbl in (labels or list(Label)) if NODE_MODELS[lbl].search_fields]
        hits: list[SearchHit] = []
        for label, node_id, props, score in self._search_candidates(
            grams, searchable, max(limit * 5, 50)
        ):
            fields = NODE_MODELS[label].search_fields
            if any(isinstance(props.get(f), str) and contains(props[f], text) for f in fields):
                hits.append(
                    SearchHit(NodeRecord(label, node_id, visible_props(dict(props))), score)
                )
        hits.sort(key=lambda hit: -hit.score)
        return hits[:limit]

    def count_nodes(self) -> dict[Label, int]:
        query = " UNION ALL ".join(
            f"MATCH (n:{label.value}) RETURN '{label.value}' AS label, count(n) AS count"
            for label in Label
        )
        counts = dict.fromkeys(Label, 0)
        counts.update({Label(row["label"]): int(row["count"]) for row in self._read(query)})
        return counts

    def count_by(self, label: Label, field: str) -> dict[Any, int]:
        if field not in NODE_MODELS[label].model_fields or field == "id":
            raise InvalidInputError([f"field: {label} has no property {field!r} to group by"])
        name = "count_by_list" if _is_list_field(label, field) else "count_by"
        rows = self._read(self._q(name, LABEL=label.value, FIELD=field))
        return {row["value"]: int(row["count"]) for row in rows}

    def events_after(self, seq: int, limit: int = 1000) -> list[ChangeEvent]:
        rows = self._read(self._q("events_after"), {"after": seq, "limit": limit})
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
            )
            for r in rows
        ]

    def revisions(self, ref: NodeRef) -> list[Revision]:
        """What updates replaced on a node, oldest first: who, when, and the old values."""
        rows = self._read(self._q("revisions"), {"of": str(ref)})
        history = []
        for row in rows:
            props = dict(row["props"])
            fields = list(props.get("rev_fields") or [])
            history.append(
                Revision(
                    at=props["rev_at"],
                    source=props["rev_source"],
                    actor=props["rev_actor"],
                    old={f: props.get(f) for f in fields},
                )
            )
        return history

    def record_aliases(self, aliases: dict[NodeRef, str]) -> None:
        """Make each ref (an id a source used) name the node of its label with the given id."""
        rows = [{"key": str(ref), "target": target} for ref, target in aliases.items()]
        for batch in chunks(rows, self.batch_size):
            self._write(self._q("record_aliases"), {"rows": list(batch)})

    def aliases_of(self, refs: Iterable[NodeRef]) -> dict[NodeRef, NodeRef]:
        """The stored nodes that refs name through an alias (refs without one are left out)."""
        by_label: dict[Label, list[str]] = defaultdict(list)
        for ref in refs:
            by_label[ref.label].append(str(ref))
        found: dict[NodeRef, NodeRef] = {}
        for label, keys in by_label.items():
            rows = self._read_chunked(
                self._q("aliased_ids", LABEL=label.value), "keys", sorted(keys)
            )
            found |= {NodeRef.parse(r["key"]): NodeRef(label, r["id"]) for r in rows}
        return found

    def residents_by_id_number(self, id_numbers: Sequence[str]) -> dict[str, str]:
        """Ids of stored residents by ID number (entity resolution)."""
        if not id_numbers:
            return {}
        rows = self._read(self._q("residents_by_id_number"), {"keys": Positional(id_numbers)})
        return {row["key"]: row["id"] for row in rows}

    def households_at(
        self, dwellings: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], str]:
        """Ids of stored households by dwelling (building id, unit or '', room); where
        several share one, the first by id."""
        if not dwellings:
            return {}
        rows = self._read(self._q("households_at_dwellings"), {"keys": Positional(dwellings)})
        found: dict[tuple[str, str, str], str] = {}
        for row in sorted(rows, key=lambda r: r["id"], reverse=True):
            found[(row["building"], row["unit"], row["room"])] = row["id"]
        return found

    def residents_by_name_birth_phone(
        self, keys: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], tuple[str, str | None]]:
        """Stored residents by (name, birth date, phone): their id and ID number."""
        if not keys:
            return {}
        rows = self._read(self._q("residents_by_name_birth_phone"), {"keys": Positional(keys)})
        return {
            (row["name"], row["birth_date"], row["phone"]): (row["id"], row["id_number"])
            for row in rows
        }

    def last_event_seq(self) -> int:
        rows = self._read(self._q("last_event_seq"))
        return int(rows[0]["seq"]) if rows else 0

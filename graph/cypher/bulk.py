"""Bulk writes of an ingest job: which rows are new, changed or unchanged (one read per
batch), and plain creates of new entities, cheaper than upserts, sent ahead of their replies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

import orjson

from graph.cypher.params import Positional, Row
from graph.cypher.session import CypherSession
from graph.cypher.writes import upsert_edges_query
from graph.errors import InvalidInputError
from graph.model import Label
from graph.model.fields import public_fields
from graph.records import Provenance, WriteResult
from graph.write_rows import (
    EdgeGroup,
    NodeState,
    PendingWrite,
    ToPositional,
    edge_fields,
    node_fields,
)


def positional_props(names: Sequence[str]) -> str:
    """Entries of a CREATE's property map, one per property, from a positional row's value
    list (row[3]); a null value sets nothing."""
    return "".join(f"{name}: row[3][{i}], " for i, name in enumerate(names))


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


EventValues = Callable[[Sequence[Row]], str | None]


def _node_event_values(label: Label) -> EventValues:
    """The non-personal values each node of a create batch gets, as JSON keyed by global id:
    its change event carries them, so the relay need not read the nodes back."""
    shown = sorted(public_fields(label))

    def of(row: Row) -> dict[str, Any]:
        props, defaults = row["props"], row["defaults"]
        values = ((name, props[name] if name in props else defaults.get(name)) for name in shown)
        return {name: value for name, value in values if value is not None}

    prefix = f"{label.value}:"
    return lambda batch: orjson.dumps({prefix + row["id"]: of(row) for row in batch}).decode()


def _edge_event_values(group: EdgeGroup) -> EventValues:
    """The values each relationship of a create batch gets, as JSON keyed `source->target`
    (global ids); None for a type without properties."""
    edge_type, source, target = group
    names = sorted(edge_fields(edge_type))
    if not names:
        return lambda batch: None

    def of(row: Row) -> dict[str, Any]:
        props = row["props"]
        return {name: props[name] for name in names if props.get(name) is not None}

    def key(row: Row) -> str:
        return f"{source.value}:{row['source']}->{target.value}:{row['target']}"

    return lambda batch: orjson.dumps({key(row): of(row) for row in batch}).decode()


class BulkWrites:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def node_states(self, label: Label, ids: Sequence[str]) -> dict[str, NodeState]:
        """Digest and sources of the stored nodes among `ids` (what an upsert compares with)."""
        query = self.session.q("node_states", LABEL=label.value)
        return {
            row["id"]: (row["hash"], list(row["sources"] or []))
            for row in self.session.read_chunked(query, "ids", ids)
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
        query = self.session.q(
            "edge_states", TYPE=edge_type.value, SOURCE=source.value, TARGET=target.value
        )
        return {
            (row["source"], row["target"]): row["hash"]
            for row in self.session.read_chunked(query, "pairs", pairs)
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
        create = self.session.q("create_nodes", LABEL=label.value, PROPS=positional_props(names))

        def positional(row: Row) -> list[Any]:
            values = {**row["defaults"], **row["props"]}
            return [row["id"], row["search"], row["hash"], _values(values, names)]

        upsert = self.session.q("upsert_nodes", LABEL=label.value)
        return self._submit_new(
            create, upsert, rows, provenance, positional, _node_event_values(label)
        )

    def submit_new_edge_rows(
        self, group: EdgeGroup, rows: Sequence[Row], provenance: Provenance
    ) -> PendingWrite:
        """Send plain creates of relationships that `split_edge_rows` found new, or with an
        end just created by `submit_new_node_rows`; a batch that finds one existing is
        upserted, when awaited."""
        edge_type, source, target = group
        names = edge_fields(edge_type)
        create = self.session.q(
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
        upsert = upsert_edges_query(self.session, group)
        values = _edge_event_values(group)
        sent = [
            self._submit_new(create, upsert, same, provenance, positional, values)
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
        event_values: EventValues,
    ) -> PendingWrite:
        def rows_param(batch: Sequence[Row]) -> list[Any]:
            return Positional(map(positional, batch))

        def fields(batch: Sequence[Row]) -> dict[str, Any]:
            """What the batch's one change event records: the properties its rows set and
            the values they got."""
            return {
                "fields": sorted(set(chain.from_iterable(row["fields"] for row in batch))),
                "entity_values": event_values(batch),
            }

        session = self.session
        sent = session.send_batches(
            create, rows, provenance, session.send_write, rows_param, fields
        )

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
                redo = session.submit(upsert, batch, provenance, session.write_now)()
                total += WriteResult(created + redo.created, redo.updated, redo.unchanged - created)
            return total

        return result

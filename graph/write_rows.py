"""The rows the store's writes take (`graph.port.BulkWrites`): a node's or relationship's
properties, digest, changed fields and search text, shaped and validated from the model."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

import orjson
from pydantic import ValidationError

from graph.errors import InvalidInputError
from graph.model import EDGE_SPECS, NODE_MODELS, EdgeType, Label, Node
from graph.records import Edge, WriteResult
from graph.search_text import index_text

Row = dict[str, Any]  # a write row: key, properties, digest, fields and search text


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def content_hash(props: dict[str, Any]) -> str:
    """A short digest of a node's or relationship's domain properties (change detection).
    Properties come in their model's field order, so equal values give equal digests; a
    digest that differs only by order costs the upsert a field-by-field comparison, no write."""
    return hashlib.blake2b(orjson.dumps(props), digest_size=12).hexdigest()


def write_row(key: dict[str, Any], props: dict[str, Any]) -> Row:
    """A row for the upsert queries: its key, properties, digest and non-empty field names."""
    return {
        **key,
        "props": props,
        "hash": content_hash(props),
        "fields": [k for k, v in props.items() if v is not None],
    }


EdgeGroup = tuple[EdgeType, Label, Label]  # relationship type, source label, target label
PendingWrite = Callable[[], WriteResult]  # waits for sent writes, returns what they did
Send = Callable[[str, dict[str, Any]], Callable[[], list[Row]]]  # sends one write
NodeState = tuple[str | None, list[str]]  # a stored node's digest and sources
ToPositional = Callable[[Row], list[Any]]  # an upsert row → a positional row
RowsParam = Callable[[Sequence[Row]], list[Any]]  # a batch of upsert rows → the `rows` sent


@cache
def node_fields(label: Label) -> tuple[str, ...]:
    """A label's property names in model order (the positional rows' value order)."""
    return tuple(name for name in NODE_MODELS[label].model_fields if name != "id")


@cache
def edge_fields(edge_type: EdgeType) -> tuple[str, ...]:
    return tuple(EDGE_SPECS[edge_type].props.model_fields)


def node_write_row(node: Node, partial: bool = False) -> Row:
    """The upsert row of a node. `partial`: only the fields the node was given are written;
    its other defaults fill a new node only (a source that lacks a column clears nothing)."""
    props = node.properties()
    defaults: dict[str, Any] = {}
    if partial:
        given = node.model_fields_set
        written: dict[str, Any] = {}
        for k, v in props.items():
            if k in given:
                if v is not None and v != []:
                    written[k] = v
            elif v is not None:
                defaults[k] = v
        props = written
    row = write_row({"id": node.id, "search": index_text(node.search_text())}, props)
    row["defaults"] = defaults
    return row


def edge_write_row(
    edge: Edge, where: str = "edge", validated: bool = False
) -> tuple[EdgeGroup, Row]:
    """The upsert row of a relationship and its group; InvalidInputError names what breaks
    the relationship's rules (`where` prefixes each problem). `validated`: the caller made
    the edge from its spec's labels and validated properties (the ingest row mappers)."""
    spec = EDGE_SPECS[EdgeType(edge.type)]
    if validated:
        return (spec.type, edge.source.label, edge.target.label), write_row(
            {"source": edge.source.id, "target": edge.target.id}, edge.props
        )
    problems: list[str] = []
    if edge.source.label not in spec.sources:
        problems.append(f"{where}.source: a {edge.source.label} cannot start {spec.type}")
    if edge.target.label not in spec.targets:
        problems.append(f"{where}.target: a {edge.target.label} cannot end {spec.type}")
    try:
        props = spec.validate_props(edge.props)
    except ValidationError as exc:
        problems.extend(
            f"{where}.props.{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in exc.errors()
        )
    if problems:
        raise InvalidInputError(problems)
    row = write_row({"source": edge.source.id, "target": edge.target.id}, props)
    return (spec.type, edge.source.label, edge.target.label), row


def settled(result: WriteResult) -> PendingWrite:
    """A write that needed no round trip (rows that change nothing)."""
    return lambda: result

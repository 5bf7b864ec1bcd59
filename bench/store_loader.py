"""The store benchmark's loader: canonical CSV files straight into the store's batched
upserts, in reference order, so that `bench.store` can time the store calls alone. The
product loads every file, the demo's included, through the ingest job (`ingest.job.run`)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph.model import Node
from graph.port import GraphStore
from graph.records import Edge, Provenance, WriteResult
from ingest.errors import RowError
from ingest.job.collector import bulk_allocation
from ingest.mapping.canonical import LOAD_ORDER
from ingest.mapping.rows import MAPPERS

Progress = Callable[[str, int], None]


@dataclass
class FileResult:
    rows: int = 0
    nodes: WriteResult = field(default_factory=WriteResult)
    edges: WriteResult = field(default_factory=WriteResult)


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        yield from enumerate(csv.DictReader(handle), start=2)


def load_file(
    store: GraphStore,
    path: Path,
    kind: str,
    provenance: Provenance,
    progress: Progress | None = None,
) -> FileResult:
    """Upsert one canonical file; edges to nodes of the same file are written after its nodes."""
    mapper = MAPPERS[kind]
    nodes: list[Node] = []
    edges: list[Edge] = []
    same_kind_edges: list[Edge] = []
    result = FileResult()

    def flush() -> None:
        if nodes:
            result.nodes += store.upsert_nodes(nodes, provenance)
        if edges:
            result.edges += store.upsert_edges(edges, provenance)
        nodes.clear()
        edges.clear()

    for line, row in read_rows(path):
        try:
            row_nodes, row_edges = mapper(row)
        except RowError as exc:
            raise RowError(f"{path.name}:{line}: {exc}") from None
        nodes.extend(row_nodes)
        labels = {node.label for node in row_nodes}
        for item in row_edges:
            (same_kind_edges if item.target.label in labels else edges).append(item)
        result.rows += 1
        if len(nodes) >= store.batch_size or len(edges) >= store.batch_size:
            flush()
            if progress:
                progress(kind, result.rows)
    flush()
    if same_kind_edges:
        result.edges += store.upsert_edges(same_kind_edges, provenance)
    if progress:
        progress(kind, result.rows)
    return result


def load_directory(
    store: GraphStore, directory: Path, provenance: Provenance, progress: Progress | None = None
) -> dict[str, FileResult]:
    """Load every canonical file present in `directory`, in reference order."""
    results: dict[str, FileResult] = {}
    with bulk_allocation(store.batch_size):
        for kind in LOAD_ORDER:
            path = directory / f"{kind}.csv"
            if path.exists():
                results[kind] = load_file(store, path, kind, provenance, progress)
    store.compact()
    return results

"""Reads of nodes and their surroundings: by reference, neighbours, the subgraph around
seeds, shortest paths, text search and counts."""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from typing import Any

from graph.cypher.filter_compiler import FilterCompiler
from graph.cypher.params import Row
from graph.cypher.session import CypherSession, Predicates
from graph.cypher.walk import Walk
from graph.errors import InvalidInputError
from graph.filters import Filter
from graph.model import NODE_MODELS, EdgeType, Label
from graph.records import (
    Direction,
    EdgeRecord,
    Neighbour,
    NodeRecord,
    NodeRef,
    Path,
    SearchHit,
    Subgraph,
    ids_by_label,
    visible_props,
)
from graph.search_text import contains, query_grams


def _rel_pattern(types: Sequence[EdgeType], direction: Direction) -> str:
    rel = "[r" + (":" + "|".join(EdgeType(t).value for t in types) if types else "") + "]"
    return {Direction.OUT: f"-{rel}->", Direction.IN: f"<-{rel}-", Direction.BOTH: f"-{rel}-"}[
        direction
    ]


def _is_list_field(label: Label, field: str) -> bool:
    annotation = NODE_MODELS[label].model_fields[field].annotation
    return typing.get_origin(annotation) is list


def _neighbour(label: Label, row: Row) -> Neighbour:
    """A row of `neighbours`: a relationship of a node of `label`."""
    origin = NodeRef(label, row["origin"])
    other = NodeRecord(Label(row["label"]), row["id"], visible_props(dict(row["props"])))
    source, target = (origin, other.ref) if row["outgoing"] else (other.ref, origin)
    edge = EdgeRecord(EdgeType(row["type"]), source, target, dict(row["rel_props"]))
    return Neighbour(origin, edge, other)


class Reads:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def get_nodes(self, refs: Sequence[NodeRef]) -> dict[NodeRef, NodeRecord]:
        found: dict[NodeRef, NodeRecord] = {}
        for label, ids in ids_by_label(refs).items():
            query = self.session.q("get_nodes", LABEL=label.value)
            for row in self.session.read(query, {"ids": ids}):
                record = NodeRecord(label, row["id"], visible_props(dict(row["props"])))
                found[record.ref] = record
        return found

    def existing_ids(self, label: Label, ids: Sequence[str]) -> set[str]:
        query = self.session.q("existing_ids", LABEL=label.value)
        return {row["id"] for row in self.session.read_chunked(query, "ids", ids)}

    def neighbours(
        self,
        refs: Sequence[NodeRef],
        types: Sequence[EdgeType] = (),
        direction: Direction = Direction.BOTH,
        limit: int = 100,
    ) -> dict[NodeRef, list[Neighbour]]:
        pattern = _rel_pattern(types, Direction(direction))
        result: dict[NodeRef, list[Neighbour]] = {ref: [] for ref in refs}
        for label, ids in ids_by_label(refs).items():
            query = self.session.q("neighbours", LABEL=label.value, PATTERN=pattern)
            for row in self.session.read(query, {"ids": ids, "limit": limit}):
                result[NodeRef(label, row["origin"])].append(_neighbour(label, row))
        return result

    def expand(
        self,
        seeds: Sequence[NodeRef],
        hops: int,
        types: Sequence[EdgeType] = (),
        max_nodes: int = 10_000,
        fields: tuple[str, ...] | None = None,
    ) -> Subgraph:
        walk = Walk(self.session, _rel_pattern(types, Direction.BOTH), types, fields)
        return walk.run(self.get_nodes(seeds), hops, max_nodes)

    def shortest_path(
        self, a: NodeRef, b: NodeRef, max_hops: int = 8, types: Sequence[EdgeType] = ()
    ) -> Path | None:
        if a == b:
            found = self.get_nodes([a])
            return Path([found[a]], []) if a in found else None
        query = self.session.shortest_path_query(a, b, max_hops, types)
        rows = self.session.read(query, {"a": a.id, "b": b.id})
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

    def search(
        self,
        text: str,
        labels: Sequence[Label] = (),
        limit: int = 20,
        within: Mapping[Label, Filter] | None = None,
    ) -> list[SearchHit]:
        grams = query_grams(text)
        if not grams:
            return []
        searchable = [lbl for lbl in (labels or list(Label)) if NODE_MODELS[lbl].search_fields]
        predicates: Predicates = None
        if within is not None:
            predicates = {}
            for i, (label, where) in enumerate(within.items()):
                compiler = FilterCompiler(label, var="node", prefix=f"s{i}_")
                predicates[label] = (compiler.compile(where), compiler.params)
        hits: list[SearchHit] = []
        for label, node_id, props, score in self.session.search_candidates(
            grams, searchable, max(limit * 5, 50), predicates
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
        counts.update({Label(row["label"]): int(row["count"]) for row in self.session.read(query)})
        return counts

    def count_by(self, label: Label, field: str) -> dict[Any, int]:
        if field not in NODE_MODELS[label].model_fields or field == "id":
            raise InvalidInputError([f"field: {label} has no property {field!r} to group by"])
        name = "count_by_list" if _is_list_field(label, field) else "count_by"
        rows = self.session.read(self.session.q(name, LABEL=label.value, FIELD=field))
        return {row["value"]: int(row["count"]) for row in rows}

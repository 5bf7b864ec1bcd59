"""`savedQueries` and `runSavedQuery(name, params)`: the read-only, parameterised Cypher of
`queries/explore/` (see `queries.saved`), answered as a table (columns and rows) or as a graph
ready to draw. They read the whole graph, so they are for administrators and investigators."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.explore import GraphEdge, GraphView
from api.nodes.registry import to_graphql
from api.pagination import bad_input
from graph.model import EdgeType
from graph.records import NodeRef
from queries.saved import SavedQuery, SavedQueryError, bound, saved_queries

MAX_ROWS = 5_000


@strawberry.type
class SavedQueryParameter:
    name: str
    type: str = strawberry.field(description="String, Int, Float, Boolean or ID(Label).")
    required: bool
    default: JSON | None


@strawberry.type(description="A saved query investigators may run.")
class SavedQueryInfo:
    name: str
    description: str
    returns: str = strawberry.field(description="table or graph.")
    parameters: list[SavedQueryParameter]


@strawberry.type
class SavedQueryResult:
    name: str
    columns: list[str]
    rows: JSON = strawberry.field(description="The rows, as lists in the columns' order.")
    graph: GraphView | None = strawberry.field(description="For a query that returns a graph.")


def _info(query: SavedQuery) -> SavedQueryInfo:
    return SavedQueryInfo(
        name=query.name,
        description=query.description,
        returns=query.returns,
        parameters=[
            SavedQueryParameter(
                name=p.name, type=p.type, required=p.required, default=cast(JSON, p.default)
            )
            for p in query.parameters
        ],
    )


async def _graph(info: Info, rows: list[dict[str, Any]]) -> GraphView:
    """Rows of (source, type, target) ids as a graph of the nodes the caller may read."""
    triples = []
    for row in rows:
        try:
            triples.append(
                (
                    NodeRef.parse(str(row["source"])),
                    EdgeType(row["type"]),
                    NodeRef.parse(str(row["target"])),
                )
            )
        except (KeyError, ValueError):
            continue
    refs = sorted({r for s, _, t in triples for r in (s, t)})
    records = await asyncio.to_thread(info.context.store.get_nodes, refs)
    edges = {
        (t, s, g): GraphEdge(
            id=strawberry.ID(f"{t.value}:{s}->{g}"),
            type=t,
            source=strawberry.ID(str(s)),
            target=strawberry.ID(str(g)),
            properties=cast(JSON, {}),
        )
        for s, t, g in triples
        if s in records and g in records
    }
    return GraphView(
        nodes=[to_graphql(records[r]) for r in refs if r in records],
        edges=list(edges.values()),
        truncated=len(rows) >= MAX_ROWS,
    )


@strawberry.type
class SavedQueryQuery:
    @strawberry.field(description="The saved queries (queries/explore), with their parameters.")
    def saved_queries(self) -> list[SavedQueryInfo]:
        return [_info(q) for q in saved_queries().values()]

    @strawberry.field(
        description="Run a saved query with `params` ({name: value}; an ID(Label) parameter "
        "takes a global id): a table, and a graph for those that return one."
    )
    async def run_saved_query(
        self, info: Info, name: str, params: JSON | None = None
    ) -> SavedQueryResult:
        query = saved_queries().get(name)
        if query is None:
            raise bad_input(f"name: no saved query {name!r} (see savedQueries)")
        given: Any = params if params is not None else {}
        if not isinstance(given, dict):
            raise bad_input("params: give an object of parameter values")
        try:
            values = bound(query, given)
        except SavedQueryError as exc:
            raise bad_input(str(exc)) from None
        rows: list[dict[str, Any]] = await asyncio.to_thread(
            info.context.store.run_read, query.cypher, values
        )
        rows = rows[:MAX_ROWS]
        columns = list(rows[0]) if rows else []
        return SavedQueryResult(
            name=query.name,
            columns=columns,
            rows=cast(JSON, [[row.get(c) for c in columns] for row in rows]),
            graph=await _graph(info, rows) if query.returns == "graph" else None,
        )

"""The GraphQL schema: root fields over the GraphStore."""

from __future__ import annotations

import asyncio

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext, Info

from api.context import Context
from api.types import ALL_TYPES, Node, to_graphql
from civicgraph.logs import get_logger
from graph.model import Label
from graph.store import NodeRef

log = get_logger(__name__)


@strawberry.type
class Stats:
    """Node counts of the whole graph."""

    residents: int
    households: int
    buildings: int
    grids: int
    organisations: int
    devices: int
    incidents: int
    petitions: int


def _bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


@strawberry.type
class Query:
    @strawberry.field(description="Node counts of the whole graph.")
    async def stats(self, info: Info[Context, None]) -> Stats:
        counts = await asyncio.to_thread(info.context.store.count_nodes)
        return Stats(
            residents=counts[Label.RESIDENT],
            households=counts[Label.HOUSEHOLD],
            buildings=counts[Label.BUILDING],
            grids=counts[Label.GRID],
            organisations=counts[Label.ORGANISATION],
            devices=counts[Label.DEVICE],
            incidents=counts[Label.INCIDENT],
            petitions=counts[Label.PETITION],
        )

    @strawberry.field(description="Any node by its global id, e.g. `Building:B000001`.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        try:
            ref = NodeRef.parse(str(id))
        except ValueError as exc:
            raise _bad_input(f"id: {exc}") from None
        found = await asyncio.to_thread(info.context.store.get_nodes, [ref])
        return to_graphql(found[ref]) if ref in found else None


def _should_mask(error: GraphQLError) -> bool:
    """Hide unexpected failures; keep errors raised on purpose (they carry a code)."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


class CivicSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log errors without the query text or variables (they may hold personal data)."""
        for error in errors:
            code = (error.extensions or {}).get("code")
            if code or error.original_error is None:
                log.info("graphql.refused", message=error.message, code=code, path=error.path)
            else:
                log.error("graphql.failed", path=error.path, exc_info=error.original_error)


schema = CivicSchema(
    query=Query,
    types=list(ALL_TYPES),
    extensions=[
        lambda: MaskErrors(should_mask_error=_should_mask, error_message="Internal server error")
    ],
)

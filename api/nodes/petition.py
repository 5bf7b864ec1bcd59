"""Petition: what a resident asks or reports (民情诉求), and what its text names."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.nodes.base import Node, connection, node_type, to_one
from api.nodes.registry import to_graphql
from api.nodes.related import many
from api.pagination import Connection
from graph.model import EdgeType as E
from graph.model import Label
from graph.records import Direction, RelatedItem

OUT = Direction.OUT
L = Label


@strawberry.type(description="One entity named in a petition, with where and how surely.")
class Mention:
    node: Node
    confidence: float = strawberry.field(description="0 to 1: how sure the extraction is.")
    span: str | None = strawberry.field(description="The words of the text that name it.")


def _mention(item: RelatedItem) -> Mention:
    return Mention(
        node=to_graphql(item.node),
        confidence=float(item.edge_props.get("confidence", 0.0)),
        span=item.edge_props.get("span"),
    )


@node_type(L.PETITION)
class Petition(Node):
    submitted_by = to_one(
        E.SUBMITTED_BY, OUT, L.RESIDENT, description="The submitter; null for anonymous petitions."
    )

    incidents = connection(
        E.REPORTS, OUT, L.INCIDENT, description="Incidents this petition reported."
    )

    @strawberry.field(description="Residents, places and things the petition's text names.")
    async def mentions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Mention]:
        return await many(
            info, self, E.MENTIONS, OUT, None, first, after, last, before, wrap=_mention
        )

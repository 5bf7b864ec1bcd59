"""`hotIssues`: the hottest issues among the petitions the caller may read that were submitted
in a window (see `nlp.hot_issues` for the grouping and the heat index)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from enum import Enum

import strawberry
from strawberry.types import Info

from api.nodes import Node
from api.nodes.registry import to_graphql
from api.pagination import bad_input
from graph.filters import All, Condition, Op
from graph.model import Label
from graph.model.validators import format_timestamp
from graph.port import GraphStore
from graph.records import NodeRef
from nlp.hot_issues import PetitionFacts, hot_issues

MAX_DAYS = 366
MAX_PETITIONS = 100_000
PAGE = 5_000
FIELDS = ("title", "text", "submitted_at", "department", "entities", "created_at")


@strawberry.enum(description="How an issue's daily rate moved over the window.")
class Trend(Enum):
    RISING = "RISING"
    STEADY = "STEADY"
    FALLING = "FALLING"


@strawberry.type
class HotIssuePlace:
    id: strawberry.ID | None = strawberry.field(description="The node; null where unlinked.")
    name: str


@strawberry.type
class HotIssuePetitions:
    total_count: int
    ids: strawberry.Private[list[str]]

    @strawberry.field(description="The first petitions of the issue, oldest first.")
    async def nodes(self, info: Info, first: int = 20) -> list[Node]:
        refs = [NodeRef(Label.PETITION, i) for i in self.ids[: max(0, min(first, 100))]]
        records = await info.context.loaders.nodes.load_many(refs)
        return [to_graphql(r) for r in records if r is not None]


@strawberry.type(description="Petitions about one place and one kind of trouble (热点问题).")
class HotIssue:
    label: str
    topic: str = strawberry.field(description="The incident category or department.")
    places: list[HotIssuePlace]
    keywords: list[str]
    petitions: HotIssuePetitions
    first_at: datetime
    last_at: datetime
    heat: float = strawberry.field(description="The heat index (README: hot issues).")
    trend: Trend
    submitters: int = strawberry.field(description="Distinct submitters (anonymous: by text).")


def _facts(record_props: dict[str, object], node_id: str) -> PetitionFacts | None:
    at = record_props.get("submitted_at") or record_props.get("created_at")
    if not isinstance(at, str):
        return None
    entities = json.loads(str(record_props["entities"])) if record_props.get("entities") else []
    department = record_props.get("department")
    places = [
        (e["text"], e.get("linked"))
        for e in entities
        if e["label"] in ("PLACE", "ORG") and e.get("status") != "PROPOSED"
    ]
    return PetitionFacts(
        id=node_id,
        at=datetime.fromisoformat(at),
        text=str(record_props.get("text") or ""),
        title=str(record_props.get("title") or ""),
        department=department if isinstance(department, str) else None,
        places=places,
    )


def _read(
    store: GraphStore, since: datetime, until: datetime
) -> list[tuple[PetitionFacts, list[str]]]:
    where = All(
        (
            Condition("submitted_at", Op.GTE, format_timestamp(since)),
            Condition("submitted_at", Op.LT, format_timestamp(until)),
        )
    )
    found: list[tuple[PetitionFacts, list[str]]] = []
    after = None
    while len(found) < MAX_PETITIONS:
        page = store.list_nodes(Label.PETITION, where, first=PAGE, after=after, fields=FIELDS)
        for record in page.records:
            facts = _facts(record.props, record.id)
            if facts is not None:
                linked = [p[1] for p in facts.places if p[1]]
                found.append((facts, linked))
        if not page.has_next:
            break
        after = page.keys[-1]
    return found


@strawberry.type
class HotIssueQuery:
    @strawberry.field(
        description="The hottest issues among petitions submitted in [since, until) (default: "
        "the 30 days to now), optionally those about places in one grid."
    )
    async def hot_issues(
        self,
        info: Info,
        since: datetime | None = None,
        until: datetime | None = None,
        grid_id: strawberry.ID | None = None,
        first: int = 10,
    ) -> list[HotIssue]:
        until = until or datetime.now(UTC)
        since = since or until - timedelta(days=30)
        if until.tzinfo is None or since.tzinfo is None:
            raise bad_input("since, until: give a time zone (2020-01-01T00:00:00+08:00)")
        if not since < until:
            raise bad_input("since: must be before until")
        if until - since > timedelta(days=MAX_DAYS):
            raise bad_input(f"since: the window may span at most {MAX_DAYS} days")
        if not 1 <= first <= 100:
            raise bad_input("first: give 1 to 100")
        grid = None
        if grid_id is not None:
            try:
                grid = NodeRef.parse(str(grid_id))
            except ValueError as exc:
                raise bad_input(f"gridId: {exc}") from None
            if grid.label != Label.GRID:
                raise bad_input("gridId: must be a Grid id")
        store = info.context.store
        read = await asyncio.to_thread(_read, store, since, until)
        if grid is not None:
            service = info.context.petitions
            gazetteer = (
                await asyncio.to_thread(service.gazetteers.get) if service is not None else None
            )
            read = [
                (facts, linked)
                for facts, linked in read
                if gazetteer is not None
                and any(
                    ref == str(grid) or grid.id in gazetteer.grids(NodeRef.parse(ref))
                    for ref in linked
                )
            ]
        issues = hot_issues([facts for facts, _ in read], since, until, first)
        return [
            HotIssue(
                label=i.label,
                topic=i.topic,
                places=[
                    HotIssuePlace(
                        id=strawberry.ID(i.place_id) if i.place_id else None, name=i.place
                    )
                ],
                keywords=i.keywords,
                petitions=HotIssuePetitions(total_count=len(i.petitions), ids=i.petitions),
                first_at=i.first_at or since,
                last_at=i.last_at or until,
                heat=i.heat,
                trend=Trend(i.trend),
                submitters=i.submitters,
            )
            for i in issues
        ]

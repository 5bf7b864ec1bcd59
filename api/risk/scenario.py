"""`runScenario`: a tabletop exercise (桌面推演), hypothetical failures and hazards with and
without mitigations, computed over the risk projection; nothing is written."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.types import Info

from api.enums import Severity
from api.nodes import Node
from api.nodes.registry import to_graphql
from api.pagination import bad_input
from api.risk.fields import indexes, risk_cache
from graph.errors import InvalidInputError
from graph.records import NodeRef
from risk.scenario import Event, Mitigation, Outcome, run_scenario
from risk.spread import Hazard

strawberry.enum(Mitigation, description="What is done to a building in the exercise.")
MAX_SPARED = 500


@strawberry.input
class ScenarioHazard:
    at: strawberry.ID = strawberry.field(description="A building, grid, device or incident.")
    hazard: Hazard
    severity: Severity = Severity.HIGH


@strawberry.input
class ScenarioMitigation:
    at: strawberry.ID = strawberry.field(description="A building.")
    kind: Mitigation


@strawberry.input
class ScenarioInput:
    failures: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Assets (devices) that fail."
    )
    hazards: list[ScenarioHazard] = strawberry.field(default_factory=list)
    mitigations: list[ScenarioMitigation] = strawberry.field(default_factory=list)
    max_hops: int = 4


@strawberry.type
class ScenarioOutcome:
    residents: int = strawberry.field(description="Residents exposed.")
    vulnerable: int = strawberry.field(description="Of them, with a vulnerability factor.")
    total_risk: float


@strawberry.type
class ScenarioResult:
    projection_seq: int
    without: ScenarioOutcome = strawberry.field(description="Without the mitigations.")
    with_mitigations: ScenarioOutcome
    spared_count: int
    spared: list[Node | None] = strawberry.field(
        description=f"Residents the mitigations keep out of danger (the first {MAX_SPARED})."
    )


def _outcome(found: Outcome) -> ScenarioOutcome:
    return ScenarioOutcome(
        residents=found.residents, vulnerable=found.vulnerable, total_risk=round(found.total, 6)
    )


@strawberry.type
class ScenarioQuery:
    @strawberry.field(
        description="A tabletop exercise: hypothetical failures and hazards evaluated together, "
        "with and without mitigations, to see who they spare. Nothing is written."
    )
    async def run_scenario(self, info: Info, input: ScenarioInput) -> ScenarioResult:
        cache = risk_cache(info, "runScenario")
        if not 1 <= input.max_hops <= 12:
            raise bad_input("input.maxHops: give 1 to 12")
        p = await cache.get()
        failures = indexes(p, input.failures, "input.failures")
        events = [
            Event(at, h.hazard, h.severity)
            for at, h in zip(
                indexes(p, [h.at for h in input.hazards], "input.hazards"),
                input.hazards,
                strict=True,
            )
        ]
        kinds = [m.kind for m in input.mitigations]
        places = indexes(p, [m.at for m in input.mitigations], "input.mitigations")
        try:
            found = await asyncio.to_thread(
                run_scenario,
                p,
                failures,
                events,
                list(zip(places, kinds, strict=True)),
                input.max_hops,
            )
        except InvalidInputError as exc:
            raise bad_input(f"input.{exc.problems[0]}") from None
        refs = [NodeRef.parse(p.ids[i]) for i in found.spared[:MAX_SPARED]]
        records = await info.context.loaders.nodes.load_many(refs)
        return ScenarioResult(
            projection_seq=p.seq,
            without=_outcome(found.without),
            with_mitigations=_outcome(found.with_mitigations),
            spared_count=len(found.spared),
            spared=[to_graphql(r) if r else None for r in records],
        )

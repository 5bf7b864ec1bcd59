"""`saveRiskAssessment`: an assessment stored on the nodes it rates (their score, hazard, time
and the assessment's id), with a `RISK_ALERT` change event for each node whose score rose to
the threshold, written with the scores; integrators receive the alerts through their
subscriptions and webhooks."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

import numpy as np
import strawberry
from strawberry.types import Info

from api.mutations.nodes import provenance
from api.nodes import Node
from api.nodes.registry import to_graphql
from api.pagination import bad_input
from api.risk.fields import RiskAssessmentInput, assessed, labels_of
from graph.records import NodeRef, RiskSave
from risk.assess import Assessment
from risk.projection import Projection

DEFAULT_THRESHOLD = 4.0  # a vulnerable resident at HIGH severity, anyone at CRITICAL
MAX_ALERTED_SHOWN = 100


@strawberry.type
class SavedRiskAssessment:
    assessment_id: strawberry.ID
    saved_at: datetime = strawberry.field(description="The time stored with the scores.")
    projection_seq: int
    saved: int = strawberry.field(description="Nodes that hold the new scores.")
    alerts: int = strawberry.field(description="Nodes whose score crossed the threshold.")
    alerted: list[Node] = strawberry.field(
        description=f"The first {MAX_ALERTED_SHOWN} of them, highest score first."
    )


def _scores(
    p: Projection, result: Assessment, input: RiskAssessmentInput, threshold: float
) -> RiskSave:
    """Every rated node of the kinds asked for (within the caller's rows), highest first."""
    wanted = np.zeros(p.size, dtype=bool)
    for label in labels_of(input.filter.node_types if input.filter else None):
        wanted |= p.of_label(label)
    rated = np.flatnonzero(wanted & result.exposed & (result.scores > 0))
    rated = rated[np.argsort(-result.scores[rated], kind="stable")]
    return RiskSave(
        assessment_id=str(uuid.uuid4()),
        hazard=result.hazard.value,
        threshold=threshold,
        scores={NodeRef.parse(p.ids[i]): float(result.scores[i]) for i in rated},
    )


@strawberry.type
class RiskMutation:
    @strawberry.mutation(
        description="Assess a hazard (as riskAssessment does) and store each rated node's "
        "score with the time; a node whose score rises to `threshold` or above gets a "
        "RISK_ALERT change event. Scores of nodes outside the caller's rows are not stored."
    )
    async def save_risk_assessment(
        self, info: Info, input: RiskAssessmentInput, threshold: float = DEFAULT_THRESHOLD
    ) -> SavedRiskAssessment:
        if not threshold > 0:
            raise bad_input("threshold: give a score above 0")
        p, result = await assessed(info, input, "saveRiskAssessment")
        save = _scores(p, result, input, threshold)
        store = info.context.store
        done = await asyncio.to_thread(store.save_risk, save, provenance(info))
        order = {ref: n for n, ref in enumerate(save.scores)}
        first = sorted(done.alerted, key=order.__getitem__)[:MAX_ALERTED_SHOWN]
        records = await info.context.loaders.nodes.load_many(first)
        return SavedRiskAssessment(
            assessment_id=strawberry.ID(save.assessment_id),
            saved_at=datetime.fromisoformat(done.at),
            projection_seq=result.seq,
            saved=done.saved,
            alerts=len(done.alerted),
            alerted=[to_graphql(r) for r in records if r is not None],
        )

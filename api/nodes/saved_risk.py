"""The last saved risk assessment of a node (`saveRiskAssessment`), as its node shows it."""

from __future__ import annotations

import strawberry

from api.enums import Hazard
from graph.records import NodeRecord


@strawberry.type(description="A node's score in the last risk assessment saved onto it.")
class SavedRisk:
    score: float
    hazard: Hazard
    assessed_at: str
    assessment_id: strawberry.ID


def saved_risk(record: NodeRecord) -> SavedRisk | None:
    p = record.props
    if p.get("risk_score") is None:
        return None
    return SavedRisk(
        score=float(p["risk_score"]),
        hazard=Hazard(p["risk_hazard"]),
        assessed_at=str(p.get("risk_at")),
        assessment_id=strawberry.ID(str(p.get("risk_assessment"))),
    )


def with_saved_risk(record: NodeRecord) -> dict[str, object]:
    """The computed field of a node type that shows its saved risk."""
    return {"risk": saved_risk(record)}


RISK_DESCRIPTION = "The last saved risk assessment's score of this node (null: none saved)."

"""Saved risk assessments: scores stored on the nodes they rate, and a risk alert recorded
with the write for each node whose score rose past the threshold."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import orjson

from graph.cypher.params import Positional
from graph.cypher.session import CypherSession
from graph.records import NodeRef, Provenance, RiskSave, RiskSaved
from graph.write_rows import chunks, now_iso


class RiskScores:
    def __init__(self, session: CypherSession) -> None:
        self.session = session

    def save_risk(self, save: RiskSave, provenance: Provenance) -> RiskSaved:
        by_label: dict[str, list[list[object]]] = defaultdict(list)
        for ref, score in save.scores.items():
            alert = {
                "riskScore": round(score, 6),
                "hazard": save.hazard,
                "threshold": save.threshold,
                "assessmentId": save.assessment_id,
            }
            body = orjson.dumps({str(ref): alert}).decode()
            by_label[ref.label.value].append([ref.id, float(score), body])
        saved, alerted = 0, []
        params: dict[str, Any] = {
            "hazard": save.hazard,
            "threshold": save.threshold,
            "assessment": save.assessment_id,
            "now": now_iso(),
            "actor": provenance.actor,
            "source": provenance.source,
        }
        for label, rows in sorted(by_label.items()):
            query = self.session.q("save_risk_scores", LABEL=label)
            for chunk in chunks(rows, self.session.batch_size):
                for row in self.session.write(query, {**params, "rows": Positional(chunk)}):
                    saved += int(row["saved"])
                    alerted += [NodeRef.parse(f"{label}:{key}") for key in row["alerted"]]
        return RiskSaved(saved, alerted, params["now"])

"""`POST /ingest/alerts`: device alerts (one object or a list) into incidents."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError

from api.audit.record import append, draft
from api.auth.policy import may_ingest_alerts
from api.auth.principal import principal_of
from api.auth.rows import caller_store
from graph.records import Provenance
from ingest.alerts import Alert, ingest_alerts
from ingest.errors import AlertError

MAX_ALERTS = 1000
_ALERTS = TypeAdapter(list[Alert])


ALERTS = "POST /ingest/alerts"


def alerts_router(window: timedelta) -> APIRouter:
    router = APIRouter()
    lock = asyncio.Lock()  # folding reads then writes: one request at a time per process

    @router.post("/ingest/alerts")
    async def post_alerts(request: Request) -> JSONResponse:
        principal = principal_of(request)
        if principal is None or not may_ingest_alerts(principal):
            role = principal.role if principal else "anonymous"
            return JSONResponse(
                {"detail": f"FORBIDDEN: the {role} role may not ingest device alerts"},
                status_code=403,
            )
        try:
            body: Any = await request.json()
        except ValueError:
            return _problem(400, [{"loc": [], "msg": "the body is not JSON"}])
        if isinstance(body, dict):
            body = [body]  # one alert is a list of one: problems name index 0 either way
        if not isinstance(body, list):
            return _problem(422, [{"loc": [], "msg": "expected an alert object or a list of them"}])
        if not body or len(body) > MAX_ALERTS:
            return _problem(422, [{"loc": [], "msg": f"give 1 to {MAX_ALERTS} alerts"}])
        try:
            alerts = _ALERTS.validate_python(body)
        except ValidationError as exc:
            problems = [
                {"loc": list(e["loc"]), "msg": e["msg"]}
                for e in exc.errors(include_url=False, include_input=False)
            ]
            return _problem(422, problems)
        provenance = Provenance("device_alert", principal.sub)
        # An integrator given grids reaches only the devices in them: another's reads as unknown.
        store = caller_store(request.app.state.opened.store, principal, None)
        devices = tuple(dict.fromkeys(f"Device:{a.device_id}" for a in alerts))
        client = request.client.host if request.client else None
        async with lock:
            try:
                outcomes = await asyncio.to_thread(ingest_alerts, store, alerts, provenance, window)
            except AlertError as exc:
                entry = draft(
                    principal, ALERTS, (ALERTS,), devices, client=client, outcome="errors"
                )
                await append(store, entry)
                return _problem(422, exc.problems)
        incidents = tuple(f"Incident:{o.incident_id}" for o in outcomes)
        await append(store, draft(principal, ALERTS, (ALERTS,), devices + incidents, client=client))
        return JSONResponse(
            {
                "accepted": len(alerts),
                "incidents": [
                    {
                        "id": f"Incident:{o.incident_id}",
                        "created": o.created,
                        "alerts": o.alerts,
                        "resent": o.resent,
                    }
                    for o in outcomes
                ],
            }
        )

    return router


def _problem(status: int, problems: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"errors": problems}, status_code=status)

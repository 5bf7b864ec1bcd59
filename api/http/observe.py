"""The outermost middleware: a request id for every request, metrics by route, a log line for
every refused request, and unexpected failures turned into a GraphQL error that names the
request id (never a plain-text 500 with a stack trace)."""

from __future__ import annotations

import json
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

import structlog
from prometheus_client import Counter, Histogram

from api.http.media import graphql_errors
from api.limits.body_size import ASGIApp, Message, Receive, Send, send_json
from civicgraph.logs import get_logger

log = get_logger(__name__)
HTTP_REQUESTS = Counter(
    "civicgraph_http_requests_total", "HTTP requests", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram("civicgraph_http_request_seconds", "HTTP latency", ["method", "route"])
REQUEST_ID_HEADER = "x-request-id"
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_KEPT_ERROR_BODY = 65536  # bytes of a refusal read for its error code
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def current_request_id() -> str | None:
    return REQUEST_ID.get()


def _request_id(scope: dict[str, Any]) -> str:
    """The caller's X-Request-ID when it is a plain token, else a new one."""
    given = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.encode(), b"")
    text = given.decode("latin-1")
    return text if _GOOD_ID.fullmatch(text) else uuid.uuid4().hex


def _route(scope: dict[str, Any]) -> str:
    """The route template that served the request: one metric series per route, not per URL."""
    route = scope.get("route")
    return str(getattr(route, "path", None) or "unmatched")


def _error_code(body: bytes) -> str | None:
    try:
        errors = json.loads(body).get("errors") or []
        return str(errors[0]["extensions"]["code"])
    except (ValueError, AttributeError, LookupError, TypeError):
        return None


class RequestObserver:
    """ASGI middleware wrapping the whole application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = REQUEST_ID.set(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 0
        error_body = bytearray()

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers") or [])
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and status >= 400:
                room = _KEPT_ERROR_BODY - len(error_body)
                if room > 0:
                    error_body.extend(message.get("body", b"")[:room])
            await send(message)

        try:
            await self.app(scope, receive, observed)
        except Exception as exc:  # the last line of defence: log, answer 500
            log.error("http.failed", method=scope["method"], route=_route(scope), exc_info=exc)
            if status == 0:
                status = 500
                await _internal_error(send, request_id)
        finally:
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = _route(scope)
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_SECONDS.labels(method, route).observe(time.perf_counter() - started)
            if status >= 400:
                log.info(
                    "http.refused",
                    method=method,
                    route=route,
                    status=status,
                    code=_error_code(bytes(error_body)),
                )
            structlog.contextvars.unbind_contextvars("request_id")
            REQUEST_ID.reset(token)


async def _internal_error(send: Send, request_id: str) -> None:
    body = graphql_errors("Internal server error", "INTERNAL_SERVER_ERROR")
    body["errors"][0]["extensions"]["requestId"] = request_id
    await send_json(send, 500, body, ((REQUEST_ID_HEADER.encode(), request_id.encode()),))

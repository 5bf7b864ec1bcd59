"""GraphQL over HTTP details strawberry leaves open: the `application/graphql-response+json`
media type (400 and no `data` for request errors), and a request timeout."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse

GRAPHQL_RESPONSE = "application/graphql-response+json"
Handler = Callable[[Request], Awaitable[Response]]


def wants_graphql_response(request: Request) -> bool:
    """True when the client accepts application/graphql-response+json (and prefers it to JSON)."""
    accept = request.headers.get("accept", "")
    if GRAPHQL_RESPONSE not in accept:
        return False
    json_at, graphql_at = accept.find("application/json"), accept.find(GRAPHQL_RESPONSE)
    return json_at < 0 or graphql_at < json_at


async def graphql_response_media_type(request: Request, call_next: Handler) -> Response:
    """Serve application/graphql-response+json where asked for, with its status codes; a
    request refused before GraphQL saw it (a body that is not JSON) gets a GraphQL error too."""
    if not request.url.path.startswith("/graphql"):
        return await call_next(request)
    response = await call_next(request)
    if response.status_code == 400 and response.headers.get("content-type", "").startswith(
        "text/plain"
    ):
        return await _as_graphql_error(response, wants_graphql_response(request))
    if not wants_graphql_response(request):
        return response
    if not response.headers.get("content-type", "").startswith("application/json"):
        return response
    body = await _body(response)
    try:
        result = json.loads(body)
    except ValueError:
        return Response(body, status_code=response.status_code, media_type=GRAPHQL_RESPONSE)
    status = response.status_code
    errors = result.get("errors") if isinstance(result, dict) else None
    if errors and result.get("data") is None and all("path" not in e for e in errors):
        # Parsing, validation or variable-coercion failure: the request was not executed.
        status = 400
        result.pop("data", None)
    headers = {
        k: v
        for k, v in response.headers.items()
        if k.lower() not in ("content-length", "content-type")
    }
    return Response(
        json.dumps(result, ensure_ascii=False),
        status_code=status,
        headers=headers,
        media_type=GRAPHQL_RESPONSE,
    )


def graphql_errors(message: str, code: str) -> dict[str, Any]:
    """A GraphQL response body holding one error: `{"errors": [{message, extensions.code}]}`."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


async def _body(response: Response) -> bytes:
    return b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]


async def _as_graphql_error(response: Response, graphql_media: bool) -> Response:
    """A plain-text 400 as a GraphQL response: `{"errors": [{"message": ...}]}`."""
    message = (await _body(response)).decode(errors="replace")
    return Response(
        json.dumps(graphql_errors(message, "BAD_REQUEST"), ensure_ascii=False),
        status_code=400,
        media_type=GRAPHQL_RESPONSE if graphql_media else "application/json",
    )


def request_timeout(seconds: float) -> Callable[[Request, Handler], Awaitable[Response]]:
    async def limit(request: Request, call_next: Handler) -> Response:
        try:
            return await asyncio.wait_for(call_next(request), timeout=seconds)
        except TimeoutError:
            body = graphql_errors(f"request took longer than {seconds:g} s", "TIMEOUT")
            return JSONResponse(body, status_code=504)

    return limit

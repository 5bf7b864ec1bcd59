"""The compiled read path: ASGI middleware in front of the GraphQL router.

A `POST /graphql` with a JSON body whose query the planner answers is run straight against
the store and its response written with orjson (UTF-8 as is); every other request, and any
request whose arguments, variables, cost or data the compiled path does not take as they
are, goes on to the general path with its body intact, which answers it (errors included)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError
from prometheus_client import Counter

from api.auth.principal import SCOPE_KEY, Principal
from api.auth.purpose import PURPOSE_HEADER
from api.auth.rows import caller_store
from api.compiled.operation import CompiledOperation, compile_operation
from api.compiled.shapes import NotCompiled
from api.http.body import read_body, replaying
from api.http.media import GRAPHQL_RESPONSE, graphql_errors
from api.limits.body_size import ASGIApp, Receive, Send, send_json
from civicgraph.logs import get_logger
from graph.errors import GraphError

log = get_logger(__name__)
COMPILED = Counter(
    "civicgraph_compiled_requests_total",
    "GraphQL requests by the path that answered them",
    ["path"],
)
_JSON = b"application/json"
# What makes the compiled path hand a request on: the general path answers it, errors included.
# Anything else that fails is handed on too, and logged as a failure of the compiled path.
_PURPOSE = PURPOSE_HEADER.encode()
_DECLINED = (NotCompiled, GraphError, GraphQLError, ValueError, TypeError, KeyError)


@dataclass(frozen=True)
class GraphQLRoute:
    """What the request observer labels metrics with (FastAPI's routes have a `path` too)."""

    path: str = "/graphql"


ROUTE = GraphQLRoute()


class OperationCache:
    """Compiled operations by query text and operation name (least recently used dropped);
    a text the planner refused is remembered as such."""

    def __init__(self, schema: Any, size: int = 1000) -> None:
        self.schema = schema
        self.size = size
        self._entries: OrderedDict[tuple[str, str | None], CompiledOperation | None] = OrderedDict()

    def get(self, query: str, operation_name: str | None) -> CompiledOperation | None:
        key = (query, operation_name)
        if key in self._entries:
            self._entries.move_to_end(key)
            return self._entries[key]
        try:
            compiled: CompiledOperation | None = compile_operation(
                self.schema,
                query,
                operation_name,
                self.schema.limit_rules,
                self.schema.max_tokens,
            )
        except NotCompiled as refused:
            log.debug("compiled.refused", reason=str(refused))
            compiled = None
        self._entries[key] = compiled
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return compiled


def _response_type(accept: bytes) -> bytes | None:
    """The media type to answer with, or None to leave the negotiation to the general path."""
    if not accept or (accept.startswith((b"*/*", _JSON)) and b"graphql-response" not in accept):
        return _JSON
    text = accept.decode("latin-1")
    json_at, graphql_at = text.find("application/json"), text.find(GRAPHQL_RESPONSE)
    if graphql_at >= 0 and (json_at < 0 or graphql_at < json_at):
        return GRAPHQL_RESPONSE.encode()
    if json_at >= 0 or "*/*" in text:
        return _JSON
    return None


class CompiledReads:
    """ASGI middleware: answer compiled read operations, hand everything else on."""

    def __init__(self, app: ASGIApp, schema: Any, timeout_s: float) -> None:
        self.app = app
        self.cache = OperationCache(schema)
        self.schema = schema
        self.timeout_s = timeout_s

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        media = _response_type(headers.get(b"accept", b""))
        if media is None or not headers.get(b"content-type", b"").startswith(_JSON):
            await self.app(scope, receive, send)
            return
        body, ended = await read_body(receive)
        replay = replaying(body, receive)
        if ended:  # the client went away
            await self.app(scope, replay, send)
            return
        answered = await self._answer(scope, body, media, send)
        COMPILED.labels("compiled" if answered else "general").inc()
        if not answered:
            await self.app(scope, replay, send)

    async def _answer(
        self, scope: MutableMapping[str, Any], body: bytes, media: bytes, send: Send
    ) -> bool:
        """Answer the request on the compiled path; False when it is not for this path."""
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            return False
        if not isinstance(request, dict) or set(request) - {"query", "variables", "operationName"}:
            return False
        query, name = request.get("query"), request.get("operationName")
        given = request.get("variables")
        if not isinstance(query, str) or not isinstance(name, str | None):
            return False
        if not isinstance(given, dict | None):
            return False
        operation = self.cache.get(query, name)
        if operation is None:
            return False
        opened = getattr(scope["app"].state, "opened", None)
        principal = scope.get(SCOPE_KEY)
        if opened is None or not isinstance(principal, Principal):
            return False  # not started yet, or no caller: the general path says so
        stated = next(
            (value.decode("latin-1") for name, value in scope["headers"] if name == _PURPOSE),
            None,
        )
        store = caller_store(opened.store, principal, stated)
        graphql_schema = self.schema._schema
        try:
            variables = operation.variables(graphql_schema, given)
            cost = operation.cost(graphql_schema, variables)
            if cost > self.schema.max_cost:
                return False  # the general path refuses it, with the estimate
            data = await asyncio.wait_for(operation.run(store, variables), self.timeout_s)
        except TimeoutError:
            late = graphql_errors(f"request took longer than {self.timeout_s:g} s", "TIMEOUT")
            await send_json(send, 504, late)
            return True
        except _DECLINED as refused:
            log.debug("compiled.declined", kind=type(refused).__name__, reason=str(refused))
            return False
        except Exception as failed:  # the general path answers, and reports it
            log.warning("compiled.failed", error=type(failed).__name__, exc_info=failed)
            return False
        if store.personal_uses:
            return False  # it filtered on a personal field: the general path audits that
        scope["route"] = ROUTE
        encoded = orjson.dumps({"data": data, "extensions": {"cost": cost}})
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", media),
                    (b"content-length", str(len(encoded)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": encoded})
        return True

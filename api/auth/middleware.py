"""Authentication of every request before anything else sees it (the compiled read path, the
GraphQL router, the alert endpoint): a bearer token or an API key, else 401 with
`WWW-Authenticate` and the GraphQL code UNAUTHENTICATED. Open without credentials: /healthz,
/readyz, GraphiQL's page and assets (they hold no data; the IDE's requests carry the token from
its header editor), and /metrics to loopback callers or the metrics token. A WebSocket may
authenticate in its upgrade request or, as browsers must, in its `connection_init` payload
(see `api.auth.connect`)."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable

import orjson
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth.apikeys import ApiKeyVerifier
from api.auth.errors import AuthError
from api.auth.principal import SCOPE_KEY, Principal, Role
from api.auth.tokens import TokenVerifier

OPEN_PATHS = frozenset({"/healthz", "/readyz"})
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class Authenticator:
    """Credentials → principal: bearer tokens, and API keys once the store is open."""

    def __init__(self, tokens: TokenVerifier, keys: Callable[[], ApiKeyVerifier | None]) -> None:
        self.tokens = tokens
        self.keys = keys

    async def principal(self, authorization: str | None, api_key: str | None) -> Principal:
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise AuthError("the Authorization header must be `Bearer <token>`")
            if self.tokens.fetches_keys:
                return await asyncio.to_thread(self.tokens.verify, token.strip())
            return self.tokens.verify(token.strip())
        if api_key:
            keys = self.keys()
            if keys is None:
                raise AuthError("API keys cannot be checked while the store is starting")
            return await asyncio.to_thread(keys.verify, api_key)
        raise AuthError("credentials are required: a bearer token or an X-API-Key", missing=True)


class Authenticate:
    def __init__(
        self,
        app: ASGIApp,
        authenticator: Authenticator,
        open_prefixes: tuple[str, ...],
        metrics_token: str | None,
    ) -> None:
        self.app = app
        self.authenticator = authenticator
        self.open_prefixes = open_prefixes
        self.metrics_token = metrics_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self._open(scope, headers):
            await self.app(scope, receive, send)
            return
        authorization, api_key = headers.get("authorization"), headers.get("x-api-key")
        if scope["type"] == "websocket" and not (authorization or api_key):
            await self.app(scope, receive, send)  # it authenticates in connection_init
            return
        if scope["path"] == "/metrics" and self._metrics_allowed(scope, authorization):
            await self.app(scope, receive, send)
            return
        try:
            principal = await self.authenticator.principal(authorization, api_key)
        except AuthError as error:
            await _refuse(scope, send, 401, error.body(), error.challenge())
            return
        if scope["path"] == "/metrics" and principal.role != Role.ADMIN:
            refusal = "FORBIDDEN: /metrics is for administrators"
            body: dict[str, object] = {
                "errors": [{"message": refusal, "extensions": {"code": "FORBIDDEN"}}]
            }
            await _refuse(scope, send, 403, body, None)
            return
        scope[SCOPE_KEY] = principal
        await self.app(scope, receive, send)

    def _open(self, scope: Scope, headers: Headers) -> bool:
        path: str = scope["path"]
        if path in OPEN_PATHS or path.startswith(self.open_prefixes):
            return True
        if scope["type"] == "http" and path == "/graphql" and scope["method"] == "GET":
            # GraphiQL's page (a browser navigating); a GET query asks for JSON.
            return "text/html" in headers.get("accept", "") and not _has_query(scope)
        return False

    def _metrics_allowed(self, scope: Scope, authorization: str | None) -> bool:
        if self.metrics_token is not None:
            expected = f"Bearer {self.metrics_token}"
            return authorization is not None and hmac.compare_digest(authorization, expected)
        client = scope.get("client")
        return client is not None and client[0] in LOOPBACK


def _has_query(scope: Scope) -> bool:
    return b"query=" in scope.get("query_string", b"")


async def _refuse(
    scope: Scope, send: Send, status: int, body: dict[str, object], challenge: str | None
) -> None:
    if scope["type"] == "websocket":  # refused before it is accepted: an HTTP 403 to the client
        await send({"type": "websocket.close", "code": 4401 if status == 401 else 4403})
        return
    headers = [(b"content-type", b"application/json; charset=utf-8")]
    if challenge is not None:
        headers.append((b"www-authenticate", challenge.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": orjson.dumps(body)})

"""Persisted queries: automatic persisted queries (a client sends the SHA-256 of a document it
sent before, instead of the document), and an allow-list mode (`CIVICGRAPH_PERSISTED_ONLY`) in
which only documents registered ahead (`civicgraph queries register`) run. Registered texts
are kept in the graph, so every API process knows them, and cached in each process (a hash's
text never changes)."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from graphql import ExecutionResult, GraphQLError
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from api.auth.principal import SCOPE_KEY, Principal
from api.http.body import read_body, replaying
from graph.port import PersistedQueryStore

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sha256_of(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


class QueryRegistry:
    def __init__(self, store: PersistedQueryStore) -> None:
        self.store = store
        self.known: dict[str, str] = {}

    async def text_of(self, sha: str) -> str | None:
        if sha not in self.known:
            found = await asyncio.to_thread(self.store.persisted_queries, [sha])
            if sha not in found:
                return None
            if len(self.known) > 50_000:
                self.known.clear()
            self.known[sha] = found[sha]
        return self.known[sha]

    async def register(self, sha: str, query: str, actor: str) -> None:
        if sha not in self.known:
            await asyncio.to_thread(self.store.save_persisted_query, sha, query, actor)
            self.known[sha] = query


class PersistedError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


async def resolve(
    registry: QueryRegistry,
    query: Any,
    extensions: Any,
    persisted_only: bool,
    actor: str,
) -> Any:
    """The document text a request runs (`query` as given, or found by its hash); registers
    a new one (automatic persisted queries) unless only registered documents may run."""
    wanted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if isinstance(wanted, dict):
        if wanted.get("version") != 1:
            raise PersistedError(
                400, "PERSISTED_QUERY_NOT_SUPPORTED", "persistedQuery: version 1 only"
            )
        sha = wanted.get("sha256Hash")
        if not isinstance(sha, str) or not SHA256.match(sha):
            raise PersistedError(
                400, "BAD_USER_INPUT", "persistedQuery.sha256Hash: 64 lowercase hex digits"
            )
        if query is None:
            text = await registry.text_of(sha)
            if text is None:
                # 200, as clients of automatic persisted queries expect: they send the text.
                raise PersistedError(200, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            return text
        if not isinstance(query, str) or sha256_of(query) != sha:
            raise PersistedError(
                400, "BAD_USER_INPUT", "persistedQuery.sha256Hash: not the SHA-256 of the query"
            )
        if not persisted_only:
            await registry.register(sha, query, actor)
    if (
        persisted_only
        and isinstance(query, str)
        and await registry.text_of(sha256_of(query)) is None
    ):
        raise PersistedError(
            400,
            "PERSISTED_QUERY_REQUIRED",
            "only registered operations run here (civicgraph queries register)",
        )
    return query


class PersistedQueries:
    """Resolves hashes to documents before anything reads the request (the compiled read
    path, the GraphQL router)."""

    def __init__(
        self,
        app: ASGIApp,
        registry: Callable[[], QueryRegistry | None],
        persisted_only: bool,
        path: str = "/graphql",
    ) -> None:
        self.app = app
        self.registry = registry
        self.persisted_only = persisted_only
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        registry = self.registry()
        if scope["type"] != "http" or scope["path"] != self.path or registry is None:
            await self.app(scope, receive, send)
            return
        principal = scope.get(SCOPE_KEY)
        actor = principal.sub if isinstance(principal, Principal) else "anonymous"
        try:
            if scope["method"] == "GET":
                scope = await self._get(scope, registry, actor)
            elif scope["method"] == "POST":
                scope, receive = await self._post(scope, receive, registry, actor)
        except PersistedError as error:
            body = {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
            headers = [(b"content-type", b"application/json; charset=utf-8")]
            await send({"type": "http.response.start", "status": error.status, "headers": headers})
            await send({"type": "http.response.body", "body": orjson.dumps(body)})
            return
        await self.app(scope, receive, send)

    async def _get(self, scope: Scope, registry: QueryRegistry, actor: str) -> Scope:
        params = dict(parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True))
        if "extensions" not in params and ("query" not in params or not self.persisted_only):
            return scope
        try:
            extensions = orjson.loads(params["extensions"]) if "extensions" in params else None
        except orjson.JSONDecodeError:
            return scope  # the router reports it
        query = await resolve(registry, params.get("query"), extensions, self.persisted_only, actor)
        if query is None or query == params.get("query"):
            return scope
        params["query"] = query
        return {**scope, "query_string": urlencode(params).encode()}

    async def _post(
        self, scope: Scope, receive: Receive, registry: QueryRegistry, actor: str
    ) -> tuple[Scope, Receive]:
        raw, ended = await read_body(receive)
        if ended:  # the client went away: nothing to run
            return scope, replaying(raw, receive)
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return scope, replaying(raw, receive)  # not JSON: the router decides
        if not isinstance(body, dict):
            return scope, replaying(raw, receive)
        query = await resolve(
            registry, body.get("query"), body.get("extensions"), self.persisted_only, actor
        )
        extensions = body.get("extensions")
        if query == body.get("query") and not _persisted(extensions):
            return scope, replaying(raw, receive)
        # Resolved: the request goes on as a plain one (the compiled read path takes those).
        rest = {k: v for k, v in (extensions or {}).items() if k != "persistedQuery"}
        body = {k: v for k, v in body.items() if k != "extensions"}
        raw = orjson.dumps({**body, "query": query, **({"extensions": rest} if rest else {})})
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(raw)).encode()))
        return {**scope, "headers": headers}, replaying(raw, receive)


def _persisted(extensions: Any) -> bool:
    return isinstance(extensions, dict) and "persistedQuery" in extensions


class RegisteredOnly(SchemaExtension):
    """The allow-list on every transport (operations over a WebSocket too): a document not
    registered is refused before it runs."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        request = getattr(context.context, "request", None)
        registry = getattr(request.app.state, "query_registry", None) if request else None
        text = context.query
        if text is not None and (
            registry is None or await registry.text_of(sha256_of(text)) is None
        ):
            message = "only registered operations run here (civicgraph queries register)"
            context.result = ExecutionResult(
                data=None,
                errors=[GraphQLError(message, extensions={"code": "PERSISTED_QUERY_REQUIRED"})],
            )
        yield

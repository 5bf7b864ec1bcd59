"""The FastAPI application: GraphQL at /graphql, /healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from starlette.requests import HTTPConnection
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
)

from api.auth.apikeys import ApiKeyVerifier
from api.auth.middleware import Authenticate, Authenticator
from api.auth.principal import principal_of
from api.auth.tokens import TokenVerifier
from api.changes.webhooks import WebhookAdmin
from api.compiled.asgi import CompiledReads
from api.context import Context
from api.demo import ensure_demo_data
from api.http.alerts import alerts_router
from api.http.explorer import ASSETS_PATH, EXPLORER_PATH, explorer_assets, explorer_router
from api.http.media import graphql_response_media_type, request_timeout
from api.http.observe import REQUEST_ID_HEADER, RequestObserver
from api.http.router import GRAPHIQL_ASSETS_PATH, CivicGraphQLRouter, graphiql_assets
from api.http.security_headers import SecurityHeaders
from api.limits.body_size import BodySizeLimit
from api.limits.persisted import PersistedQueries, QueryRegistry
from api.limits.rate import Buckets, LocalBuckets, RateLimit, RedisBuckets
from api.limits.runtime import tune_for_latency
from api.schema import build_schema
from civicgraph.logs import configure_logging, get_logger
from civicgraph.settings import Settings, get_settings
from civicgraph.wiring import OpenStore, change_feed, change_stream, open_store, petition_service
from events.hub import ChangeHub
from events.webhooks.registry import WebhookRegistry
from risk.cache import ProjectionCache

log = get_logger(__name__)
# Subscriptions over WebSocket (both subprotocols) and Server-Sent Events (graphql-sse,
# distinct connections: POST /graphql with `Accept: text/event-stream`).
SUBSCRIPTION_PROTOCOLS = (
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
    GRAPHQL_SSE_PROTOCOL,
)


def create_app(settings: Settings, demo: bool = False) -> FastAPI:
    configure_logging(settings.log_level, settings.log_format)
    tune_for_latency()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened: OpenStore = await asyncio.to_thread(open_store, settings)
        app.state.opened = opened
        app.state.api_keys = ApiKeyVerifier(opened.store, settings.auth_key_cache_s)
        app.state.query_registry = QueryRegistry(opened.store)
        feed = await asyncio.to_thread(change_feed, settings, opened)
        app.state.changes = feed.hub if feed else None
        stream = feed.stream if feed else change_stream(settings, opened)
        app.state.risk = ProjectionCache(opened.store, stream, settings.risk_weights)
        app.state.petitions = (
            await asyncio.to_thread(petition_service, opened.store, stream)
            if settings.nlp
            else None
        )
        app.state.rate_buckets = rate_buckets(settings, feed.hub if feed else None)
        app.state.webhooks = (
            WebhookAdmin(
                WebhookRegistry(feed.hub.client, feed.hub.keys),
                feed.hub,
                feed.webhook_options.allow_private,
            )
            if feed
            else None
        )
        try:
            if feed is not None:
                await feed.start()
            if demo:
                await asyncio.to_thread(ensure_demo_data, opened.store, settings)
            log.info("api.ready", engine=settings.engine.value, changes=feed is not None)
            yield
        finally:
            if feed is not None:
                await feed.close()
            await asyncio.to_thread(opened.close)

    app = FastAPI(title="civicgraph", lifespan=lifespan, docs_url=None, redoc_url=None)
    authenticator = Authenticator(
        TokenVerifier(settings), lambda: getattr(app.state, "api_keys", None)
    )

    async def context_getter(request: HTTPConnection) -> Context:
        state = request.app.state
        return Context(
            state.opened.store,
            principal_of(request),
            state.changes,
            state.webhooks,
            state.risk,
            state.petitions,
        )

    schema = build_schema(
        settings.max_query_depth,
        settings.max_query_tokens,
        settings.max_query_aliases,
        settings.max_query_cost,
        settings.persisted_only,
    )
    app.include_router(
        CivicGraphQLRouter(
            schema,
            path="/graphql",
            context_getter=context_getter,
            authenticator=authenticator,
            graphql_ide="graphiql",
            subscription_protocols=SUBSCRIPTION_PROTOCOLS,
        )
    )
    app.mount(GRAPHIQL_ASSETS_PATH, graphiql_assets(), name="graphiql-assets")
    app.include_router(explorer_router())
    app.mount(ASSETS_PATH, explorer_assets(), name="explorer-assets")

    app.include_router(alerts_router(timedelta(seconds=settings.alert_fold_window_s)))
    app.middleware("http")(graphql_response_media_type)
    app.middleware("http")(request_timeout(settings.request_timeout_s))
    if settings.compiled_reads:
        app.add_middleware(CompiledReads, schema=schema, timeout_s=settings.request_timeout_s)
    app.add_middleware(
        PersistedQueries,
        registry=lambda: getattr(app.state, "query_registry", None),
        persisted_only=settings.persisted_only,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(RateLimit, buckets=lambda: getattr(app.state, "rate_buckets", None))
    metrics_token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    app.add_middleware(
        Authenticate,
        authenticator=authenticator,
        open_prefixes=(GRAPHIQL_ASSETS_PATH, EXPLORER_PATH),
        metrics_token=metrics_token,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["authorization", "content-type", "x-api-key", REQUEST_ID_HEADER],
        expose_headers=[REQUEST_ID_HEADER],
        max_age=600,
    )
    app.add_middleware(SecurityHeaders, cacheable_prefixes=(GRAPHIQL_ASSETS_PATH,))
    app.add_middleware(RequestObserver)  # added last: the outermost

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        opened: OpenStore | None = getattr(request.app.state, "opened", None)
        if opened is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        try:
            seq = await asyncio.to_thread(opened.store.last_event_seq)
        except Exception as exc:  # noqa: BLE001 (any failure means not ready)
            log.warning("api.not_ready", error=type(exc).__name__)
            return JSONResponse({"status": "store unavailable"}, status_code=503)
        return JSONResponse({"status": "ready", "engine": opened.store.engine, "last_event": seq})

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(metrics_text(), media_type=CONTENT_TYPE_LATEST)

    return app


def rate_buckets(settings: Settings, hub: ChangeHub | None) -> Buckets | None:
    """Where callers' rate limits are kept: the change stream's Redis, else this process."""
    if settings.rate_limit_per_s <= 0:
        return None
    rate, burst = settings.rate_limit_per_s, settings.rate_limit_burst
    if hub is not None:
        return RedisBuckets(hub.client, hub.keys.tag, rate, burst)
    return LocalBuckets(rate, burst)


def metrics_text() -> bytes:
    """This process's metrics; under `serve --workers N`, every worker's, added up."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


def app_from_environment() -> FastAPI:
    """The application from `CIVICGRAPH_*` settings (what each `serve --workers` process runs)."""
    return create_app(get_settings())

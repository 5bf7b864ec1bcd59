"""Open the configured store: the settings, as the graph layer's store options."""

from __future__ import annotations

import asyncio

import redis
import redis.asyncio as aioredis

from civicgraph.logs import get_logger
from civicgraph.settings import Engine, Settings
from events.history import ChangeHistory
from events.hub import ChangeHub
from events.relay import Relay, RelayOptions, RelayThread, check_stream
from events.stream import ChangeStream, StreamKeys
from events.webhooks.dispatch import DispatchOptions, WebhookDispatcher
from graph.adapters.connect import OpenStore, StoreOptions
from graph.adapters.connect import open_store as open_with
from graph.port import GraphStore
from nlp.gazetteer import GazetteerCache
from nlp.petitions import PetitionService
from nlp.pipeline import Pipeline

log = get_logger(__name__)
__all__ = ["ChangeFeed", "OpenStore", "change_feed", "change_stream", "open_store", "relay_of"]


def store_options(settings: Settings) -> StoreOptions:
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
    return StoreOptions(
        engine=settings.engine.value,
        data_dir=settings.data_dir,
        batch_size=settings.batch_size,
        graph_name=settings.graph_name,
        falkordb_url=settings.falkordb_url,
        falkordb_port=settings.falkordb_port,
        falkordb_fsync=settings.falkordb_fsync,
        neo4j_uri=settings.neo4j_uri,
        neo4j_user=settings.neo4j_user,
        neo4j_password=password,
        neo4j_database=settings.neo4j_database,
    )


def open_store(settings: Settings, bootstrap: bool = True) -> OpenStore:
    return open_with(store_options(settings), bootstrap)


def stream_redis_url(settings: Settings, opened: OpenStore) -> str | None:
    """Where the change stream lives: `redis_url`, else the FalkorDB server (a Redis)."""
    if settings.redis_url:
        return settings.redis_url
    if settings.engine == Engine.FALKORDB:
        if settings.falkordb_url:
            return settings.falkordb_url
        if opened.server is not None:
            kwargs = opened.server.client_kwargs()
            return f"redis://:{kwargs['password']}@{kwargs['host']}:{kwargs['port']}/0"
    return None


def _keys(settings: Settings) -> StreamKeys:
    name = settings.graph_name if settings.engine == Engine.FALKORDB else settings.neo4j_database
    return StreamKeys.of_graph(name)


def change_stream(settings: Settings, opened: OpenStore) -> ChangeStream | None:
    """The graph's change stream, or None where there is no Redis to hold it."""
    url = stream_redis_url(settings, opened)
    if url is None:
        return None
    return ChangeStream(redis.Redis.from_url(url), _keys(settings))


class ChangeFeed:
    """What the API runs for change events: the relay (when settings say so) and the hub its
    subscribers read from."""

    def __init__(
        self,
        hub: ChangeHub,
        stream: ChangeStream,
        store: GraphStore,
        relay: RelayThread | None,
        dispatcher: WebhookDispatcher | None,
        options: DispatchOptions,
    ) -> None:
        self.hub = hub
        self.stream = stream
        self.store = store
        self.relay = relay
        self.dispatcher = dispatcher
        self.webhook_options = options

    async def start(self) -> None:
        # Before the hub reads where the stream stands: a stream of a graph since cleared is
        # reset first.
        try:
            await asyncio.to_thread(check_stream, self.stream, self.store)
        except Exception as exc:  # noqa: BLE001 (Redis away: the hub and relay retry later)
            log.warning("changes.unchecked", error=type(exc).__name__)
        if self.relay is not None:
            self.relay.start()
        await self.hub.start()
        if self.dispatcher is not None:
            await self.dispatcher.start()

    async def close(self) -> None:
        if self.dispatcher is not None:
            await self.dispatcher.close()
        await self.hub.close()
        if self.relay is not None:
            self.relay.close()


def change_feed(settings: Settings, opened: OpenStore) -> ChangeFeed | None:
    """The API's change feed, or None where there is no Redis to hold the stream (or the
    settings turn it off)."""
    if not settings.changes:
        return None
    stream = change_stream(settings, opened)
    url = stream_redis_url(settings, opened)
    if stream is None or url is None:
        return None
    relay = RelayThread(relay_of(settings, opened, stream)) if settings.relay else None
    hub = ChangeHub(aioredis.Redis.from_url(url), _keys(settings))
    options = DispatchOptions(
        max_attempts=settings.webhook_max_attempts,
        backoff_base_s=settings.webhook_backoff_base_s,
        backoff_max_s=settings.webhook_backoff_max_s,
        probe_s=settings.webhook_probe_s,
        timeout_s=settings.webhook_timeout_s,
        allow_private=settings.webhook_allow_private,
    )
    dispatcher = (
        WebhookDispatcher(aioredis.Redis.from_url(url), _keys(settings), options)
        if settings.webhooks
        else None
    )
    return ChangeFeed(hub, stream, opened.store, relay, dispatcher, options)


def relay_of(settings: Settings, opened: OpenStore, stream: ChangeStream) -> Relay:
    options = RelayOptions(
        poll_s=settings.relay_poll_ms / 1000,
        max_len=settings.stream_max_len,
        max_age_s=settings.stream_max_age_s,
    )
    return Relay(opened.store, stream, options)


def petition_service(store: GraphStore, stream: ChangeStream | None) -> PetitionService:
    """Petition extraction over `store`: the trained pipeline, loaded once, and the names the
    graph knows, kept current from the change history."""
    return PetitionService(
        store, Pipeline.load(), GazetteerCache(store, ChangeHistory(store, stream))
    )

"""Open the configured store: the settings, as the graph layer's store options."""

from __future__ import annotations

import redis

from civicgraph.settings import Engine, Settings
from events.relay import Relay, RelayOptions
from events.stream import ChangeStream, StreamKeys
from graph.adapters.connect import OpenStore, StoreOptions
from graph.adapters.connect import open_store as open_with

__all__ = ["OpenStore", "change_stream", "open_store", "relay_of"]


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


def change_stream(settings: Settings, opened: OpenStore) -> ChangeStream | None:
    """The graph's change stream, or None where there is no Redis to hold it."""
    url = stream_redis_url(settings, opened)
    if url is None:
        return None
    name = settings.graph_name if settings.engine == Engine.FALKORDB else settings.neo4j_database
    return ChangeStream(redis.Redis.from_url(url), StreamKeys.of_graph(name))


def relay_of(settings: Settings, opened: OpenStore, stream: ChangeStream) -> Relay:
    options = RelayOptions(
        poll_s=settings.relay_poll_ms / 1000,
        max_len=settings.stream_max_len,
        max_age_s=settings.stream_max_age_s,
    )
    return Relay(opened.store, stream, options)

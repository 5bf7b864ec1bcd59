"""Open the configured store: the settings, as the graph layer's store options."""

from __future__ import annotations

from civicgraph.settings import Settings
from graph.adapters.connect import OpenStore, StoreOptions
from graph.adapters.connect import open_store as open_with

__all__ = ["OpenStore", "open_store"]


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

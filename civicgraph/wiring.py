"""Open the configured GraphStore (the only place that chooses an engine)."""

from __future__ import annotations

from dataclasses import dataclass

from falkordb import FalkorDB

from civicgraph.settings import Engine, Settings
from graph.cypher_store import CypherStore
from graph.embedded import EmbeddedFalkorDB
from graph.falkordb_store import FalkorDBStore
from graph.neo4j_store import Neo4jStore, connect_neo4j


@dataclass
class OpenStore:
    """A store and, in embedded mode, the server it runs on; `close()` releases both."""

    store: CypherStore
    server: EmbeddedFalkorDB | None = None

    def close(self) -> None:
        self.store.close()
        if self.server is not None:
            self.server.stop()


def open_store(settings: Settings, bootstrap: bool = True) -> OpenStore:
    server: EmbeddedFalkorDB | None = None
    store: CypherStore
    if settings.engine == Engine.NEO4J:
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        driver = connect_neo4j(settings.neo4j_uri, settings.neo4j_user, password)
        store = Neo4jStore(driver, settings.neo4j_database, settings.batch_size)
    else:
        if settings.falkordb_url:
            client = FalkorDB.from_url(settings.falkordb_url)
        else:
            server = EmbeddedFalkorDB(
                settings.data_dir, settings.falkordb_port, settings.falkordb_fsync
            )
            server.ensure_running()
            client = FalkorDB(**server.client_kwargs())
        store = FalkorDBStore(client, settings.graph_name, settings.batch_size)
    if bootstrap:
        store.bootstrap()
    return OpenStore(store, server)

"""Open a store on the engine the options name: Neo4j over Bolt, a FalkorDB server at a URL,
or FalkorDB embedded (started here, data under `data_dir`). The one place that picks an
engine; the rest of the product sees the `graph.port` protocols."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from falkordb import FalkorDB

from graph.adapters.embedded import EmbeddedFalkorDB
from graph.adapters.falkordb import FalkorDBStore
from graph.adapters.neo4j import Neo4jStore, connect_neo4j
from graph.port import GraphStore


@dataclass(frozen=True)
class StoreOptions:
    """Where the store is and how to reach it (`civicgraph.wiring` fills it from the
    settings, which hold the defaults)."""

    engine: str  # "falkordb" or "neo4j"
    data_dir: Path
    batch_size: int
    graph_name: str
    falkordb_url: str | None  # a FalkorDB server to use instead of the embedded one
    falkordb_port: int  # of the embedded one; 0: any free port
    falkordb_fsync: str
    neo4j_uri: str
    neo4j_user: str
    neo4j_password: str | None
    neo4j_database: str


@dataclass
class OpenStore:
    """A store and, in embedded mode, the server it runs on; `close()` releases both."""

    store: GraphStore
    server: EmbeddedFalkorDB | None = None

    def close(self) -> None:
        self.store.close()
        if self.server is not None:
            self.server.stop()


def open_store(options: StoreOptions, bootstrap: bool = True) -> OpenStore:
    server: EmbeddedFalkorDB | None = None
    store: GraphStore
    if options.engine == "neo4j":
        driver = connect_neo4j(options.neo4j_uri, options.neo4j_user, options.neo4j_password)
        store = Neo4jStore(driver, options.neo4j_database, options.batch_size)
    elif options.engine == "falkordb":
        if options.falkordb_url:
            client = FalkorDB.from_url(options.falkordb_url)
        else:
            server = EmbeddedFalkorDB(
                options.data_dir, options.falkordb_port, options.falkordb_fsync
            )
            server.ensure_running()
            client = FalkorDB(**server.client_kwargs())
        store = FalkorDBStore(client, options.graph_name, options.batch_size)
    else:
        raise ValueError(f"engine: {options.engine!r} is not one of falkordb, neo4j")
    if bootstrap:
        store.bootstrap()
    return OpenStore(store, server)

"""`civicgraph neo4j`: a real local Neo4j Community server for development and tests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from civicgraph.devserver.neo4j import NEO4J_VERSION, Neo4jInstance, fetch

app = typer.Typer(
    help="Fetch, start and stop a local Neo4j Community server (no Docker).", no_args_is_help=True
)
HomeOption = Annotated[Path, typer.Option(help="Instance folder (conf, data, logs).")]


@app.command("fetch")
def fetch_command(version: str = NEO4J_VERSION) -> None:
    """Download Neo4j's jars from Maven Central into the cache."""
    typer.echo(str(fetch(version=version)))


@app.command()
def start(
    home: HomeOption = Path(".cache/neo4j"),
    bolt_port: Annotated[int, typer.Option(help="Bolt port.")] = 7687,
    http_port: Annotated[int, typer.Option(help="HTTP port.")] = 7474,
    password: Annotated[str | None, typer.Option(help="Enable auth with this password.")] = None,
    heap: Annotated[str, typer.Option(help="JVM heap, e.g. 1g.")] = "1g",
    pagecache: Annotated[str, typer.Option(help="Page cache size, e.g. 512m.")] = "256m",
) -> None:
    """Start a server in the background and wait until Bolt answers."""
    instance = Neo4jInstance(home.resolve(), bolt_port, http_port, password, heap, pagecache)
    instance.start(fetch())
    typer.echo(f"Neo4j {NEO4J_VERSION} ready at {instance.uri}")


@app.command()
def stop(home: HomeOption = Path(".cache/neo4j")) -> None:
    """Stop the server of an instance folder."""
    Neo4jInstance(home.resolve()).stop()
    typer.echo("stopped")


@app.command()
def status(home: HomeOption = Path(".cache/neo4j")) -> None:
    """Say whether the server of an instance folder runs."""
    pid = Neo4jInstance(home.resolve()).running_pid()
    typer.echo(f"running (pid {pid})" if pid else "not running")

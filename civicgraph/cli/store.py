"""`civicgraph store`: look at and manage the configured graph store."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from civicgraph.settings import get_settings

app = typer.Typer(help="Inspect or reset the configured graph store.", no_args_is_help=True)


@app.command()
def stats() -> None:
    """Node counts per label and the last change-event sequence."""
    from civicgraph.wiring import open_store

    opened = open_store(get_settings())
    try:
        counts = {label.value: n for label, n in opened.store.count_nodes().items()}
        typer.echo(
            json.dumps(
                {
                    "engine": opened.store.engine,
                    "nodes": counts,
                    "last_event": opened.store.last_event_seq(),
                }
            )
        )
    finally:
        opened.close()


@app.command()
def events(
    after: Annotated[int, typer.Option(help="Show events after this sequence number.")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 20,
) -> None:
    """Print change events as JSON lines."""
    from civicgraph.wiring import open_store

    opened = open_store(get_settings())
    try:
        for event in opened.store.events_after(after, limit):
            typer.echo(json.dumps(vars(event), ensure_ascii=False))
    finally:
        opened.close()


@app.command()
def export(
    seeds: Annotated[list[str], typer.Argument(help="Global ids, e.g. Building:B000001.")],
    hops: Annotated[int, typer.Option(min=0, max=6, help="How far to expand.")] = 2,
    max_nodes: Annotated[int, typer.Option(min=1, help="Stop after this many nodes.")] = 10_000,
    personal: Annotated[
        bool, typer.Option(help="Include personal fields (ID number, phone, tags).")
    ] = False,
) -> None:
    """Export the subgraph around some nodes as node-link JSON (e.g. for networkx)."""
    from civicgraph.wiring import open_store
    from graph.model import NODE_MODELS
    from graph.records import NodeRef

    try:
        refs = [NodeRef.parse(seed) for seed in seeds]
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="SEEDS") from None
    hidden = (
        frozenset()
        if personal
        else frozenset().union(*(model.sensitive_fields for model in NODE_MODELS.values()))
    )
    opened = open_store(get_settings())
    try:
        subgraph = opened.store.expand(refs, hops, max_nodes=max_nodes)
    finally:
        opened.close()
    typer.echo(json.dumps(subgraph.to_dict(hidden), ensure_ascii=False))


@app.command()
def reset(
    yes: Annotated[bool, typer.Option("--yes", help="Confirm deleting everything.")] = False,
) -> None:
    """Delete every node, relationship and event of the configured store."""
    if not yes:
        typer.echo("refusing to delete everything without --yes", err=True)
        raise typer.Exit(2)
    from civicgraph.wiring import change_stream, open_store

    settings = get_settings()
    opened = open_store(settings)
    try:
        opened.store.clear()
        stream = change_stream(settings, opened)
        if stream is not None:
            stream.reset()  # its numbers start again with the graph's
    finally:
        opened.close()
    typer.echo("store cleared")

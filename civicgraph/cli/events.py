"""`civicgraph relay` and `civicgraph events`: the change relay on its own, and the change
stream in a terminal."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from civicgraph.settings import Settings, get_settings

if TYPE_CHECKING:
    from civicgraph.wiring import OpenStore
    from events.stream import ChangeStream

app = typer.Typer(help="Watch the change stream.", no_args_is_help=True)


@contextmanager
def _stream() -> Iterator[tuple[Settings, OpenStore, ChangeStream]]:
    """The configured store and its change stream (exit 2 where there is none)."""
    from civicgraph.wiring import change_stream, open_store

    settings = get_settings()
    opened = open_store(settings)
    try:
        stream = change_stream(settings, opened)
        if stream is None:
            typer.echo("no change stream: set CIVICGRAPH_REDIS_URL", err=True)
            raise typer.Exit(2)
        yield settings, opened, stream
    finally:
        opened.close()


def relay() -> None:
    """Move committed change events into the change stream until stopped (Ctrl-C). `serve`
    runs one itself unless CIVICGRAPH_RELAY=false; any number may run, one works at a time."""
    from civicgraph.wiring import relay_of
    from events.relay import check_stream

    with _stream() as (settings, opened, stream):
        check_stream(stream, opened.store)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            relay_of(settings, opened, stream).run(stop)
        except KeyboardInterrupt:
            stop.set()


@app.command()
def tail(
    after: Annotated[
        str | None, typer.Option(help="Start after this cursor (default: from now on).")
    ] = None,
    entity_type: Annotated[
        list[str] | None, typer.Option("--type", help="Only these node or relationship types.")
    ] = None,
    grid: Annotated[
        list[str] | None, typer.Option(help="Only changes in this grid (or one below it).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after this many changes.")] = None,
) -> None:
    """Print changes as JSON lines as they are committed."""
    from events.filters import ChangeFilter
    from events.stream import CursorError, CursorExpiredError, parse_cursor

    with _stream() as (_, _, stream), suppress(KeyboardInterrupt):
        if after is not None:
            try:
                parse_cursor(after, "--after")
                stream.check_cursor(after)
            except (CursorError, CursorExpiredError) as exc:
                raise typer.BadParameter(str(exc), param_hint="--after") from None
        wanted = ChangeFilter(
            entity_types=frozenset(entity_type or ()),
            grid_ids=frozenset(g.removeprefix("Grid:") for g in grid or ()),
        )
        position = after or stream.last_cursor()
        shown = 0
        while limit is None or shown < limit:
            for change in stream.wait(position, block_ms=1000):
                position = change.cursor
                if wanted.matches(change):
                    typer.echo(json.dumps(asdict(change), ensure_ascii=False))
                    shown += 1
                    if limit is not None and shown >= limit:
                        break

"""`civicgraph audit`: check the audit trail's hash chain, and export it."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from civicgraph.settings import get_settings

app = typer.Typer(help="The audit trail of writes.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Check every entry's hash and its link to the one before; exit 1 at the first break."""
    from civicgraph.wiring import open_store
    from graph.audit import every_entry, verify_chain

    opened = open_store(get_settings())
    try:
        last, _ = opened.store.audit_head()
        check = verify_chain(every_entry(opened.store.audit_entries), last)
    finally:
        opened.close()
    if check.broken_at is not None:
        typer.echo(f"audit trail broken at entry {check.broken_at}: {check.reason}", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit trail intact: {check.entries} entries, head {check.head or '-'}")


def _since(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(
            f"{text!r}: give a date or time such as 2026-12-01", param_hint="--since"
        ) from None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@app.command()
def export(
    since: Annotated[str | None, typer.Option(help="Only entries at or after this time.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write to this file (default stdout).")] = None,
) -> None:
    """Write the trail as JSON lines, oldest first (with each entry's hashes)."""
    from civicgraph.wiring import open_store

    start = _since(since)
    opened = open_store(get_settings())
    target = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        after = 0
        while batch := opened.store.audit_entries(after, 1000, None, start):
            for entry in batch:
                target.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
            after = batch[-1].seq
    finally:
        opened.close()
        if out:
            target.close()

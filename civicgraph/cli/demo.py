"""`civicgraph demo`: generate and load the synthetic community."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from civicgraph.cli.progress import progress_bar

app = typer.Typer(
    help="The synthetic community: generate canonical files, load them.", no_args_is_help=True
)


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Folder for the CSV files.")],
    residents: Annotated[int, typer.Option(min=10, help="Number of residents.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same files.")] = 42,
    as_of: Annotated[
        str, typer.Option(help="Reference date of ages and histories.")
    ] = "2026-11-01",
) -> None:
    """Write a realistic community (residents, households, buildings, grids, devices...)."""
    from ingest.generator.community import generate as run

    started = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task("residents", total=residents, rate="")

        def advance(done: int) -> None:
            elapsed = time.perf_counter() - started
            bar.update(task, completed=done, rate=f"{done / max(elapsed, 1e-9):,.0f}/s")

        counts = run(out, residents, seed, date.fromisoformat(as_of), advance)
    typer.echo(
        json.dumps(
            {"out": str(out), "rows": counts, "seconds": round(time.perf_counter() - started, 2)},
            ensure_ascii=False,
        )
    )


@app.command()
def load(
    folder: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="Canonical CSVs.")],
    source: Annotated[str, typer.Option(help="Provenance: source system name.")] = "demo",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object.")
    ] = False,
) -> None:
    """Load a folder written by `demo generate` (the same as `civicgraph ingest FOLDER`)."""
    from civicgraph.cli.ingest import ingest

    ingest(
        paths=[folder],
        kind=None,
        mapping=None,
        rejects=None,
        resume=False,
        dry_run=False,
        as_json=as_json,
        sheet=None,
        source=source,
        data_dir=None,
    )

"""`civicgraph demo`: generate and load the synthetic community."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import TaskID

from civicgraph.cli.progress import progress_bar
from civicgraph.settings import get_settings

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
) -> None:
    """Load a folder of canonical CSV files (as written by `demo generate`) into the store."""
    from civicgraph.wiring import open_store
    from graph.store import Provenance
    from ingest.loader import load_directory

    settings = get_settings()
    opened = open_store(settings)
    started = time.perf_counter()
    try:
        with progress_bar() as bar:
            tasks: dict[str, TaskID] = {}

            def advance(kind: str, rows: int) -> None:
                if kind not in tasks:
                    tasks[kind] = bar.add_task(kind, total=None, rate="")
                elapsed = time.perf_counter() - started
                bar.update(tasks[kind], completed=rows, rate=f"{rows / max(elapsed, 1e-9):,.0f}/s")

            results = load_directory(opened.store, folder, Provenance(source, "cli-load"), advance)
    finally:
        opened.close()
    summary = {
        kind: {"rows": r.rows, "nodes": vars(r.nodes), "edges": vars(r.edges)}
        for kind, r in results.items()
    }
    typer.echo(json.dumps({"loaded": summary, "seconds": round(time.perf_counter() - started, 2)}))

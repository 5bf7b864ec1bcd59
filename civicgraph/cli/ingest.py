"""`civicgraph ingest`: load exports (CSV, JSON Lines, XLSX) into the graph."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, TaskID

from civicgraph.cli.progress import rows_progress_bar
from civicgraph.settings import Engine, Settings, get_settings
from ingest.mapping.canonical import KINDS, unknown_kind

PROGRESS_STEPS = 1000  # a table's bar, in thousandths of its file
KIND_HELP = (
    f"Kind of rows: {', '.join(KINDS)}. Default: from the file or sheet name "
    "(residents.csv, 居民.xlsx), else from the headers."
)


def _known_kind(kind: str | None) -> str | None:
    """Refuse an unknown --kind before anything starts."""
    if kind is not None and (problem := unknown_kind(kind)):
        raise typer.BadParameter(problem)
    return kind


def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            help="Files (.csv, .txt, .tsv, .jsonl, .json, .xlsx, .xls) or folders of them.",
        ),
    ],
    kind: Annotated[str | None, typer.Option(callback=_known_kind, help=KIND_HELP)] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="YAML file mapping headers and values."),
    ] = None,
    rejects: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="Folder for <input>.rejects.csv (default: beside it)."),
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Continue an interrupted run of the same job.")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="Validate everything, write nothing.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object.")
    ] = False,
    sheet: Annotated[
        str | None, typer.Option(help="Only this sheet of Excel workbooks (default: all).")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Provenance source name (default: the file name).")
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="The embedded store's folder [CIVICGRAPH_DATA_DIR]."),
    ] = None,
    extract: Annotated[
        bool,
        typer.Option(
            help="Run petition extraction on the petitions loaded: category, nature, entities "
            "linked to the graph, incidents raised or joined [CIVICGRAPH_NLP]."
        ),
    ] = True,
) -> None:
    """Validate and load rows; bad rows go to reject files with their reasons.

    Exit status 0 when the job ran and loaded rows (even with rejects), 1 when it read rows
    but every one was rejected, 2 when it could not run. A job that starts a new, empty
    store (a data dir or graph that holds nothing yet) says so on stderr and in its summary.
    """
    from civicgraph.wiring import open_store
    from ingest.errors import IngestError
    from ingest.files.formats import input_files
    from ingest.job.options import JobOptions
    from ingest.job.run import IngestJob
    from ingest.mapping.shaping import Mapping

    try:
        options = JobOptions(
            kind=kind,
            mapping=Mapping.load(mapping),
            rejects_dir=rejects,
            resume=resume,
            dry_run=dry_run,
            source=source,
            sheet=sheet,
        )
        paths = input_files(paths)
    except IngestError as exc:  # a bad mapping file, a folder with nothing to load
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    opened = open_store(settings)
    new_store = not dry_run and sum(opened.store.count_nodes().values()) == 0
    if new_store:
        typer.echo(
            f"note: {store_location(settings)} holds no graph yet: this job starts a new, "
            "empty one (use --data-dir or CIVICGRAPH_* settings to load into another)",
            err=True,
        )
    started = time.perf_counter()
    try:
        with rows_progress_bar() as bar:
            if as_json or not sys.stderr.isatty():
                bar.disable = True
            tasks: dict[str, TaskID] = {}
            table_started: dict[str, float] = {}
            last_report = started  # a table starts when the one before it last reported

            def advance(table: str, rows: int, done: float | None) -> None:
                nonlocal last_report
                now = time.perf_counter()
                if table not in tasks:
                    tasks[table] = bar.add_task(table, total=None, rows="", rate="")
                    table_started[table] = last_report
                last_report = now
                rate = rows / max(now - table_started[table], 1e-9)
                bar.update(
                    tasks[table],
                    total=None if done is None else PROGRESS_STEPS,
                    completed=0 if done is None else round(done * PROGRESS_STEPS),
                    rows=f"{rows:,} rows",
                    rate=f"{rate:,.0f} rows/s",
                )

            job = IngestJob(opened.store, options, advance)
            summary = job.run(paths)
            extracted = 0
            if extract and settings.nlp and not dry_run and job.petitions:
                extracted = _extract(opened.store, job.petitions, source, bar)
    except IngestError as exc:  # an unreadable file, an unknown kind, a changed resume
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        opened.close()
    seconds = time.perf_counter() - started
    if as_json:
        body = {
            **asdict(summary),
            "dry_run": dry_run,
            "new_store": new_store,
            "store": store_location(settings),
            "seconds": round(seconds, 2),
            "petitions_extracted": extracted,
            "tables": [
                {
                    "table": r.table,
                    "kind": r.kind,
                    **asdict(r.summary),
                    "rejects_file": r.rejects_file,
                    "ignored_columns": r.ignored_columns,
                    "resumed_after": r.resumed_after,
                    "title_rows": r.title_rows,
                }
                for r in job.reports
            ],
            "skipped_tables": [{"table": t, "reason": why} for t, why in job.skipped],
        }
        typer.echo(json.dumps(body, ensure_ascii=False))
        _exit_if_nothing_loaded(summary.read, summary.accepted)
        return
    for r in job.reports:
        s = r.summary
        typer.echo(
            f"{r.table} ({r.kind}): read {s.read}, accepted {s.accepted}, rejected {s.rejected}"
            f" - created {s.created}, updated {s.updated}, unchanged {s.unchanged}"
            + (f"; rejects in {r.rejects_file}" if r.rejects_file else "")
            + (f"; ignored columns: {', '.join(r.ignored_columns)}" if r.ignored_columns else "")
            + (f"; {r.title_rows} title rows above the header" if r.title_rows else "")
        )
    for table, why in job.skipped:
        typer.echo(f"{table}: skipped ({why})")
    if extracted:
        typer.echo(f"petitions: {extracted} classified, their entities linked, incidents raised")
    rate = summary.read / seconds if seconds else 0
    typer.echo(
        f"total: read {summary.read}, accepted {summary.accepted}, rejected {summary.rejected}"
        f" in {seconds:.1f} s ({rate:,.0f} rows/s)"
        + (" [dry run: nothing written]" if dry_run else "")
        + (f" into a new, empty store at {store_location(settings)}" if new_store else "")
    )
    _exit_if_nothing_loaded(summary.read, summary.accepted)


def _extract(store: Any, ids: list[str], source: str | None, bar: Progress) -> int:
    """Petition extraction over the petitions a job loaded, with its own progress bar."""
    from civicgraph.wiring import petition_service
    from graph.records import Provenance

    service = petition_service(store, None)
    task = bar.add_task("petition extraction", total=len(ids), rows="", rate="")
    return service.extract_stored(
        ids, Provenance(source or "ingest", "nlp"), progress=lambda n: bar.advance(task, n)
    )


def store_location(settings: Settings) -> str:
    """Where the job writes, in words."""
    if settings.engine == Engine.NEO4J:
        return f"Neo4j {settings.neo4j_uri} database {settings.neo4j_database}"
    where = settings.falkordb_url or str(settings.data_dir)
    return f"FalkorDB {where} graph {settings.graph_name}"


def _exit_if_nothing_loaded(read: int, accepted: int) -> None:
    if read and not accepted:
        typer.echo("error: every row was rejected; nothing was loaded", err=True)
        raise typer.Exit(1)

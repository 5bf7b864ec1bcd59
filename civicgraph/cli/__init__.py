"""The `civicgraph` command line."""

from __future__ import annotations

import sys
from types import TracebackType

import typer

from civicgraph import __version__
from civicgraph.cli import (
    audit,
    auth,
    demo,
    events,
    ingest,
    neo4j,
    nlp,
    persisted,
    risk,
    schema,
    serve,
    store,
)
from civicgraph.logs import configure_logging, get_logger
from civicgraph.settings import get_settings

app = typer.Typer(
    name="civicgraph",
    help="Knowledge-graph backend for smart communities (FalkorDB embedded, or Neo4j).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # rich tracebacks print local variables: personal data
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("serve")(serve.serve)
app.command("schema")(schema.schema)
app.command("ingest")(ingest.ingest)
app.command("relay")(events.relay)
app.add_typer(events.app, name="events")
app.add_typer(demo.app, name="demo")
app.add_typer(store.app, name="store")
app.add_typer(nlp.app, name="nlp")
app.add_typer(neo4j.app, name="neo4j")
app.add_typer(auth.app, name="auth")
app.add_typer(audit.app, name="audit")
app.add_typer(persisted.app, name="queries")
app.add_typer(risk.app, name="risk")


@app.callback()
def _setup() -> None:
    """Configure logging from CIVICGRAPH_LOG_LEVEL / CIVICGRAPH_LOG_FORMAT."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def _log_crash(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """An uncaught exception is logged like any other: type and short stack, no values."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    get_logger("civicgraph").error("civicgraph.crashed", exc_info=exc.with_traceback(tb))


def main() -> None:
    sys.excepthook = _log_crash
    app()

"""`civicgraph serve`: the API on uvicorn, in one process or several."""

from __future__ import annotations

import os
import shutil
from typing import Annotated, Any

import typer
import uvicorn

from civicgraph.settings import Settings, get_settings

# WebSocket messages (changes, a few hundred bytes each) go uncompressed: deflating each one
# cost 7 % of the API's time at 1,000 subscribers, and a compressor per connection most of
# its memory.
WS_DEFLATE = False


def serve(
    demo: Annotated[
        bool, typer.Option(help="Load the demo community into an empty store.")
    ] = False,
    host: Annotated[str | None, typer.Option(help="Bind address [CIVICGRAPH_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [CIVICGRAPH_PORT].")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Worker processes [CIVICGRAPH_WORKERS]; they share one store (the embedded "
            "FalkorDB server is started once, by this process).",
        ),
    ] = None,
) -> None:
    """Run the GraphQL API (GraphiQL at /graphql) with /healthz, /readyz and /metrics."""
    settings = get_settings()
    count = workers or settings.workers
    bind_host, bind_port = host or settings.host, port or settings.port
    if demo:
        _print_demo_tokens(settings, f"http://{bind_host}:{bind_port}/graphql")
    if count == 1:
        from api.app import create_app

        app = create_app(settings, demo=demo)
        uvicorn.run(
            app,
            host=bind_host,
            port=bind_port,
            log_config=None,
            access_log=False,
            ws_per_message_deflate=WS_DEFLATE,
        )
        return
    from api.demo import ensure_demo_data
    from civicgraph.wiring import open_store

    # This process owns the embedded server (and loads the demo once); each worker finds the
    # server running and uses it without owning it.
    opened = open_store(settings)
    try:
        if demo:
            ensure_demo_data(opened.store, settings)
        os.environ.setdefault("CIVICGRAPH_DATA_DIR", str(settings.data_dir))
        # The workers' metrics are written to files there and added up by /metrics.
        metrics = settings.data_dir / "metrics" / str(os.getpid())
        shutil.rmtree(metrics, ignore_errors=True)
        metrics.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
        uvicorn.run(
            "api.app:app_from_environment",
            factory=True,
            workers=count,
            host=bind_host,
            port=bind_port,
            log_config=None,
            access_log=False,
            ws_per_message_deflate=WS_DEFLATE,
        )
    finally:
        opened.close()
        shutil.rmtree(settings.data_dir / "metrics" / str(os.getpid()), ignore_errors=True)


# The demo community's first grid, property company and household (the generator numbers
# them in the order it makes them, whatever the community's size).
DEMO_CLAIMS: dict[str, dict[str, Any]] = {
    "grid_worker": {"grids": ("G00004",)},
    "property_company": {"org": "O000001"},
    "resident": {"household": "H0000001"},
}


def _print_demo_tokens(settings: Settings, url: str) -> None:
    """Ready-to-paste tokens (12 hours) for every role, for GraphiQL's header editor or curl;
    the bounded roles get the demo community's first grid, property company or household."""
    from api.auth.principal import Role
    from api.auth.tokens import issue_token

    typer.echo(f"GraphiQL: {url} — paste one of these into its Headers tab:", err=True)
    for role in Role:
        claims = DEMO_CLAIMS.get(role.value, {})
        token = issue_token(settings, role, f"demo-{role.value}", ttl_s=12 * 3600, **claims)
        typer.echo(f'  {role.value:<16} {{"Authorization": "Bearer {token}"}}', err=True)

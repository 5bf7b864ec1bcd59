"""`civicgraph serve`: the API on uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from civicgraph.settings import get_settings


def serve(
    demo: Annotated[
        bool, typer.Option(help="Load the demo community into an empty store.")
    ] = False,
    host: Annotated[str | None, typer.Option(help="Bind address [CIVICGRAPH_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [CIVICGRAPH_PORT].")] = None,
) -> None:
    """Run the GraphQL API (GraphiQL at /graphql) with /healthz, /readyz and /metrics."""
    from api.app import create_app

    settings = get_settings()
    app = create_app(settings, demo=demo)
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        access_log=False,
    )

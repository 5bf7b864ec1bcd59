"""`civicgraph schema`: the GraphQL schema as SDL."""

from __future__ import annotations

import typer


def schema() -> None:
    """Print the GraphQL schema (SDL); `schema.graphql` in the repository is this output."""
    from api.schema import schema as graphql_schema

    typer.echo(graphql_schema.as_str())

"""`civicgraph queries`: register the GraphQL documents an allow-listed API runs
(`CIVICGRAPH_PERSISTED_ONLY=true`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from civicgraph.settings import get_settings

app = typer.Typer(help="Persisted GraphQL documents (the allow-list).", no_args_is_help=True)


@app.command()
def register(
    files: Annotated[
        list[Path], typer.Argument(help="Files each holding one GraphQL document.", exists=True)
    ],
) -> None:
    """Register each file's document under the SHA-256 of its text (clients send that hash as
    extensions.persistedQuery.sha256Hash, or the same text)."""
    from graphql import GraphQLError, parse

    from api.limits.persisted import sha256_of
    from civicgraph.wiring import open_store

    documents = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            parse(text)
        except GraphQLError as exc:
            typer.echo(f"{path}: not a GraphQL document: {exc.message}", err=True)
            raise typer.Exit(1) from None
        documents.append((path, text))
    opened = open_store(get_settings())
    try:
        for path, text in documents:
            opened.store.save_persisted_query(sha256_of(text), text, "cli")
            typer.echo(f"{sha256_of(text)}  {path}")
    finally:
        opened.close()

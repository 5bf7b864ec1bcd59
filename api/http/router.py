"""The GraphQL endpoint: strawberry's router with strict UTF-8 request bodies, UTF-8 responses
(Chinese as is, not `\\uXXXX`) and GraphiQL served from the product's own assets, so it works on
a network with no way out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import graphene_django_graphiql_static
import orjson
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

GRAPHIQL_ASSETS_PATH = "/graphiql/assets"
_GRAPHIQL_HTML = (
    (Path(__file__).with_name("static") / "graphiql.html")
    .read_text(encoding="utf-8")
    .replace("{assets}", GRAPHIQL_ASSETS_PATH)
)


def graphiql_assets() -> StaticFiles:
    """GraphiQL, React and the explorer plugin, from the graphene-django-graphiql-static wheel."""
    package = Path(graphene_django_graphiql_static.__file__).parent
    return StaticFiles(directory=package / "static" / "graphene_django_graphiql_static")


class CivicGraphQLRouter(GraphQLRouter[Any, None]):
    """GraphQLRouter with the product's body decoding, encoding and IDE page."""

    @property
    def graphql_ide_html(self) -> str:
        return _GRAPHIQL_HTML

    def decode_json(self, data: str | bytes) -> object:
        """JSON from a body that must be UTF-8: other bytes are a 400, not a crash."""
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise json.JSONDecodeError(
                    "the request body is not valid UTF-8", "", exc.start
                ) from None
        return json.loads(data)

    def encode_json(self, data: object) -> str:
        try:
            return orjson.dumps(data).decode()  # UTF-8 as is, compact; every WebSocket message
        except TypeError:  # what orjson refuses (an integer past 64 bits): the standard way
            return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

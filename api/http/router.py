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
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.types.unset import UnsetType

from api.auth.errors import AuthError
from api.auth.middleware import Authenticator

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
    """GraphQLRouter with the product's body decoding, encoding, IDE page and WebSocket
    authentication."""

    def __init__(self, *args: Any, authenticator: Authenticator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authenticator = authenticator

    async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
        """A WebSocket not authenticated by its upgrade request authenticates here, with
        `Authorization` (or `X-API-Key`) in its `connection_init` payload."""
        if context.principal is None:
            params = context.connection_params or {}
            wanted = {str(k).lower(): v for k, v in params.items() if isinstance(v, str)}
            try:
                principal = await self.authenticator.principal(
                    wanted.get("authorization"), wanted.get("x-api-key")
                )
            except AuthError as error:
                raise ConnectionRejectionError(
                    {"message": error.reason, "code": "UNAUTHENTICATED"}
                ) from None
            context.principal = principal
        return await super().on_ws_connect(context)

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

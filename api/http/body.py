"""Reading a request body whole in an ASGI middleware, and handing it on unchanged (or
rewritten) to the application inside."""

from __future__ import annotations

from starlette.types import Message, Receive


async def read_body(receive: Receive) -> tuple[bytes, bool]:
    """The whole body (its size is bounded by the body-size limit outside), and whether the
    client disconnected instead."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks), False


def replaying(body: bytes, receive: Receive) -> Receive:
    """A receive channel that gives `body` whole, then what follows (a disconnect)."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay

"""The costly lane: a costly query runs on its own thread and loop, keeps the request's
context, and is cancelled with its caller."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.observe import REQUEST_ID
from api.limits.lanes import Lane


def test_a_lane_runs_in_the_callers_context_and_is_cancelled_with_it() -> None:
    lane = Lane("test-lane")
    seen: dict[str, object] = {}
    finished = threading.Event()

    async def work() -> str:
        seen["thread"] = threading.current_thread().name
        seen["request"] = REQUEST_ID.get()
        return "done"

    async def endless() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            finished.set()

    async def caller() -> None:
        REQUEST_ID.set("req-7")
        assert await lane.run(work()) == "done"
        waiting = asyncio.ensure_future(lane.run(endless()))
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    try:
        asyncio.run(caller())
        assert seen == {"thread": "test-lane", "request": "req-7"}
        assert finished.wait(10)
    finally:
        lane.stop()


def test_a_costly_query_answers_from_the_lane_with_the_request_id(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    lanes: list[str] = []
    run = Lane.run

    async def counted(self: Lane, coroutine: Any) -> Any:
        lanes.append(self.name)
        return await run(self, coroutine)

    monkeypatch.setattr(Lane, "run", counted)
    store = client.app.state.opened.store  # type: ignore[attr-defined]
    # `householdRole` reads an edge: the general executor answers it (api/compiled does not,
    # and runs its store work on worker threads anyway).
    costly = (
        "{ "
        + " ".join(
            f"a{n}: residents(first: 500) {{ nodes {{ id householdRole }} }}" for n in range(5)
        )
        + " }"
    )
    response = client.post("/graphql", json={"query": costly}, headers={"x-request-id": "r-1"})
    body = response.json()
    assert "errors" not in body and len(body["data"]["a0"]["nodes"]) == 300
    cheap = client.post("/graphql", json={"query": "{ residents(first: 3) { nodes { id } } }"})
    assert len(cheap.json()["data"]["residents"]["nodes"]) == 3
    assert lanes == ["graphql-costly"]  # the costly query only

    def failing(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "list_nodes", failing)
    failed = client.post("/graphql", json={"query": costly}, headers={"x-request-id": "r-2"})
    assert failed.json()["errors"][0]["extensions"]["requestId"] == "r-2"

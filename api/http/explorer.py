"""The web explorer at /explore: its page and the bundle the install step builds from npm
(`explorer/`, `npm run build`). Both are static and open, like GraphiQL's page; every query
the page makes carries the user's bearer token and is authorised like any other."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

EXPLORER_DIR = Path(__file__).resolve().parents[2] / "explorer"
EXPLORER_PATH = "/explore"
ASSETS_PATH = "/explore/assets"
NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>civicgraph explorer</title>
<p>The explorer is not built. Run <code>npm ci --prefix explorer &amp;&amp;
npm run build --prefix explorer</code> (the test command and scripts/demo do).</p>"""


def built() -> bool:
    return (EXPLORER_DIR / "dist" / "explorer.js").is_file()


def explorer_router() -> APIRouter:
    router = APIRouter()

    @router.get(EXPLORER_PATH, response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        if not built():
            return HTMLResponse(NOT_BUILT, status_code=503)
        return HTMLResponse((EXPLORER_DIR / "index.html").read_text(encoding="utf-8"))

    return router


def explorer_assets() -> StaticFiles:
    return StaticFiles(directory=EXPLORER_DIR / "dist", check_dir=False)

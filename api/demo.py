"""Demo data: the default synthetic community, loaded into an empty store on first start."""

from __future__ import annotations

import time
from typing import Protocol

from civicgraph.logs import get_logger
from civicgraph.settings import Settings
from graph.model import Label
from graph.port import Aggregates
from ingest.generator.community import generate
from ingest.job.options import JobStore
from ingest.job.run import load_folder

log = get_logger(__name__)


class DemoStore(JobStore, Aggregates, Protocol):
    """Counts to tell an empty store, and what loading asks."""


def ensure_demo_data(store: DemoStore, settings: Settings) -> bool:
    """Generate and load the demo community unless the store already holds residents."""
    if store.count_nodes()[Label.RESIDENT] > 0:
        log.info("demo.skipped", reason="store is not empty")
        return False
    started = time.perf_counter()
    folder = (
        settings.data_dir / "demo" / f"community-{settings.demo_residents}-{settings.demo_seed}"
    )
    generate(folder, settings.demo_residents, settings.demo_seed)
    summary, _ = load_folder(store, folder, "demo", f"demo-seed-{settings.demo_seed}")
    log.info(
        "demo.loaded",
        residents=settings.demo_residents,
        rows=summary.read,
        rejected=summary.rejected,
        seconds=round(time.perf_counter() - started, 2),
    )
    return True

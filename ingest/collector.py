"""Garbage collection tuned for bulk jobs.

A bulk job allocates millions of short-lived objects (row dicts, models, upsert rows). With
Python's default thresholds the cyclic collector ran every 700 allocations and rescanned
every long-lived object (modules, models, schema) again and again: about half of the
client's time in the ingest benchmark. Inside `bulk_allocation`, what is alive at the start
is frozen out of collections, young objects are collected every 50,000 allocations and
everything every 2,500,000. Reference counting still frees almost everything at once; only
cycles wait longer (the Neo4j driver makes some per query: collecting them that often keeps
the client under about 200 MB at 100k residents; rarer full collections let it reach 370 MB).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLDS = (50_000, 10, 5)


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Collect cycles rarely for the duration of a bulk job; restore the settings after."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*BULK_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()

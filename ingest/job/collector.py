"""Garbage collection tuned for bulk jobs.

A bulk job allocates millions of short-lived objects (row dicts, models, upsert rows). With
Python's default thresholds the cyclic collector ran every 700 allocations and rescanned
every long-lived object (modules, models, schema) again and again: about half of the
client's time in the ingest benchmark. Inside `bulk_allocation`, what is alive at the start
is frozen out of collections, and the young generation is collected only when more objects
have piled up than a batch ever holds at once.

A batch keeps about 7 tracked objects per row alive until it is written, and up to about 35
per row while it is being written (measured at 5,000 rows: 32,000 and 170,000). A threshold
under that peak (50,000 did) starts one or two young collections in every batch, each walking
the whole batch only to find it still alive: a fifth of a dry run's CPU time. Above it, young
collections wait for what outlives batches (the job's sets of known ids, the Neo4j driver's
reference cycles), and everything is collected every 50 young collections. Reference
counting still frees almost everything at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

TRACKED_PER_ROW = 50  # above the peak a batch being written holds per row
MIN_YOUNG_THRESHOLD = 50_000
OLDER_THRESHOLDS = (10, 5)


def young_threshold(batch_size: int) -> int:
    """Tracked allocations that start a young collection during a job of this batch size."""
    return max(MIN_YOUNG_THRESHOLD, TRACKED_PER_ROW * batch_size)


@contextmanager
def bulk_allocation(batch_size: int) -> Iterator[None]:
    """Collect cycles rarely for the duration of a bulk job; restore the settings after."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young_threshold(batch_size), *OLDER_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()

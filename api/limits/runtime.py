"""Interpreter settings for a server that must answer cheap requests while costly ones run.

Measured with `python -m bench.load` (20,000 residents, four clients running the heaviest
query the cost limit allows, one client asking `{ stats { residents } }`): with Python's
default collector thresholds (700, 10, 10) the API process spent 17.5 of 20 seconds in 47
full collections of up to 1.1 s each (a costly request keeps a million objects alive for
seconds, so they are promoted and scanned again and again), and the stats request waited
up to a second. Young collections every 50,000 allocations, the middle generation every 100
of them, cut the collector's share to a few percent; a 1 ms GIL switch interval (default
5 ms) hands the interpreter back to the event loop sooner. Stats p99 went from 14.7 s (one
worker, costly queries on the event loop) to 187 ms (one worker) and 23 ms (two workers).
Reference cycles are still collected, full collections still happen (less often).
"""

from __future__ import annotations

import gc
import sys

GC_THRESHOLDS = (50_000, 100, 10)
SWITCH_INTERVAL_S = 0.001


def tune_for_latency() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL_S)

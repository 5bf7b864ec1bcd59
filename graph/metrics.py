"""Prometheus metrics of the graph layer."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

STORE_QUERIES = Counter("civicgraph_store_queries_total", "Store round trips", ["engine", "kind"])
STORE_QUERY_SECONDS = Histogram(
    "civicgraph_store_query_seconds",
    "Store round-trip latency",
    ["engine", "kind"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

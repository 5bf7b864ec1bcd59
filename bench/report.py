"""A benchmark's measures printed beside the baseline's, saved under bench/results, and made
the baseline on request (`--update-baseline`)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.store import BASELINE, RESULTS


def report(console: Console, title: str, key: str, rows: dict[str, Any], update: bool) -> None:
    """Print `rows` beside the baseline's `key`, save them as `<key>.json`, and with `update`
    make them the baseline."""
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    old = baseline.get(key, {})
    table = Table(title=title)
    for column in ("measure", "value", "baseline"):
        table.add_column(column, justify="right")
    for name, value in rows.items():
        table.add_row(name, str(value), str(old.get(name, "")))
    console.print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{key.replace('.', '-')}.json").write_text(json.dumps(rows, indent=1))
    if update:
        baseline[key] = rows
        BASELINE.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")

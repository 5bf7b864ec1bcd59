"""What a job is given: the store it writes to, its options, and where it reports progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from graph.port import BulkWrites, Lookups, NodeReads
from ingest.mapping.shaping import Mapping

# Progress of a table: its name, rows read, and how much of it was read (0-1) when known.
Progress = Callable[[str, int, float | None], None]
# A cell that marks a spreadsheet's totals row (a footer under the data, not a record).
TOTALS_CELLS = frozenset({"合计", "总计", "小计", "合计：", "总计："})


class JobStore(BulkWrites, NodeReads, Lookups, Protocol):
    """What an ingest job asks of the store: bulk writes, the ids that exist, resolution."""

    def compact(self) -> None: ...


@dataclass
class JobOptions:
    kind: str | None = None
    mapping: Mapping = field(default_factory=Mapping.builtin)
    rejects_dir: Path | None = None
    resume: bool = False
    dry_run: bool = False
    source: str | None = None
    actor: str = "ingest"
    sheet: str | None = None

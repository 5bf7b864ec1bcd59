"""Checkpoints of an ingest job, for --resume: per table, the next row to read, the length of
its reject file and its counts; plus the spill file of rows waiting for a reference, and how
far the retries have read it."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.errors import ResumeError
from ingest.files.tables import Table
from ingest.job.items import Item, TableReport

if TYPE_CHECKING:
    from ingest.job.rejects import RejectWriter

STATE_DIR = ".civicgraph-ingest"


@dataclass
class TableState:
    name: str
    next_row: int = 0
    rejects_bytes: int = 0
    done: bool = False
    summary: dict[str, int] = field(default_factory=dict)


def _fingerprint(paths: Sequence[Path]) -> list[list[Any]]:
    return [[str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns] for p in paths]


class JobState:
    def __init__(
        self, directory: Path, key: str, fingerprint: list[list[Any]], tables: list[Table]
    ) -> None:
        self.path = directory / STATE_DIR / f"{key}.json"
        self.spill = directory / STATE_DIR / f"{key}.waiting.jsonl"
        self.fingerprint = fingerprint
        self.tables = [TableState(t.name) for t in tables]
        self.waiting_from = 0  # spill bytes before this offset have been retried
        self.enabled = True

    @classmethod
    def for_job(cls, paths: Sequence[Path], directory: Path, tables: list[Table]) -> JobState:
        fingerprint = _fingerprint(paths)
        names = "\n".join(sorted(f[0] for f in fingerprint))
        key = hashlib.blake2b(names.encode(), digest_size=8).hexdigest()
        return cls(directory, key, fingerprint, tables)

    def load(self) -> bool:
        """Pick up the checkpoint of an interrupted run of the same job; False if none."""
        if not self.path.exists():
            return False
        saved = json.loads(self.path.read_text(encoding="utf-8"))
        if saved["fingerprint"] != self.fingerprint:
            raise ResumeError(
                "--resume: the input files changed since the interrupted run; run without --resume"
            )
        self.tables = [TableState(**t) for t in saved["tables"]]
        self.waiting_from = saved.get("waiting_from", 0)
        if self.spill.exists():
            with open(self.spill, "r+b") as handle:
                handle.truncate(saved["waiting_bytes"])
        return True

    def reset(self) -> None:
        self.spill.unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)

    def defer(self, items: list[Item]) -> None:
        """Append rows that wait for a reference to the spill file."""
        if not items:
            return
        self.spill.parent.mkdir(parents=True, exist_ok=True)
        with open(self.spill, "a", encoding="utf-8") as handle:
            for item in items:
                record = {
                    "t": item.table,
                    "n": item.row,
                    "k": item.kind,
                    "raw": item.raw,
                    "row": item.canonical,
                }
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def waiting_bytes(self) -> int:
        return self.spill.stat().st_size if self.spill.exists() else 0

    def deferred(self, start: int, end: int, size: int) -> Iterator[tuple[list[Item], int]]:
        """The waiting rows stored between two offsets of the spill, mapped again from their
        canonical values, in chunks of `size` rows; each chunk with the offset after it. Rows
        deferred meanwhile are appended past `end`; only one chunk is in memory at a time."""
        if start >= end:
            return
        chunk: list[Item] = []
        with open(self.spill, "rb") as handle:
            handle.seek(start)
            offset = start
            while offset < end:
                line = handle.readline()
                offset += len(line)
                r = json.loads(line)
                chunk.append(Item.make(r["t"], r["n"], r["raw"], r["k"], r["row"]))
                if len(chunk) >= size or offset >= end:
                    yield chunk, offset
                    chunk = []

    def clear_deferred(self) -> None:
        self.spill.unlink(missing_ok=True)
        self.waiting_from = 0

    def save(self, reports: list[TableReport], rejects: list[RejectWriter]) -> None:
        """Checkpoint every table as it stands (after the writes it describes committed)."""
        for table, report, writer in zip(self.tables, reports, rejects, strict=True):
            table.summary = asdict(report.summary)
            table.rejects_bytes = writer.bytes_written()
        if not self.enabled:
            return
        body = {
            "fingerprint": self.fingerprint,
            "tables": [asdict(t) for t in self.tables],
            "waiting_bytes": self.waiting_bytes(),
            "waiting_from": self.waiting_from,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            # dumps, not dump: dump encodes in Python, with closures that leave cycles behind
            handle.write(json.dumps(body, ensure_ascii=False))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)

    def finish(self) -> None:
        """The job ran to its end: nothing to resume."""
        self.reset()
        with contextlib.suppress(OSError):  # other jobs' checkpoints may share the folder
            self.path.parent.rmdir()

"""What the parts of the community generator share: the CSV files being written, the areas
and buildings drawn so far, and the generator's state that the parts read (`Community`)."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from ingest.mapping.canonical import COLUMNS


def _cell(value: object) -> object:
    """A value as a canonical cell: empty for none, `true`/`false` for yes and no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class CsvSet:
    """One open CSV writer per canonical file."""

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, IO[str]] = {}
        self._writers: dict[str, Any] = {}
        self.counts: dict[str, int] = {}
        for kind, columns in COLUMNS.items():
            handle = open(out_dir / f"{kind}.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
            self._files[kind] = handle
            self._writers[kind] = csv.writer(handle)
            self._writers[kind].writerow(columns)
            self.counts[kind] = 0

    def write(self, file: str, /, **values: object) -> None:
        """One row of a node file, by column; columns not given stay empty."""
        unknown = set(values) - set(COLUMNS[file])
        if unknown:
            raise KeyError(f"{file}: no columns {sorted(unknown)}")
        row = [_cell(values.get(c)) for c in COLUMNS[file]]
        self._writers[file].writerow(row)
        self.counts[file] += 1

    def link(self, *values: object) -> None:
        """One row of the relationships file: from_id, type, to_id, role, distance_m."""
        self._writers["edges"].writerow([_cell(v) for v in values])
        self.counts["edges"] += 1

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()


@dataclass
class Area:
    """A grid-hierarchy node being filled: its id and how much it holds so far."""

    id: str
    name: str
    target: int
    filled: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class BuildingInfo:
    id: str
    name: str
    compound: str
    grid_id: str
    floors: int
    manager: str
    devices: dict[str, str]


class Community(Protocol):
    """The generator as its parts (utility networks, incidents and petitions) see it."""

    rng: random.Random
    as_of: date
    buildings: list[BuildingInfo]
    incident_count: int
    petition_count: int
    reservoir: list[tuple[str, int]]  # sampled (resident, building index) submitters

    def next_id(self, prefix: str, width: int) -> str: ...


def timestamp(day: date, rng: random.Random) -> str:
    moment = datetime(
        day.year, day.month, day.day, rng.randint(6, 22), rng.randint(0, 59), rng.randint(0, 59)
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%S+08:00")

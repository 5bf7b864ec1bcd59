"""Ingest's exceptions: one root, a subclass per kind of failure, each naming what and why."""

from __future__ import annotations


class IngestError(ValueError):
    """Root of every error ingest raises on purpose (a ValueError: it is about bad input)."""


class UnreadableFileError(IngestError):
    """The file cannot be read at all (the job cannot run on it)."""


class UnknownKindError(IngestError):
    """Neither the options, the name nor the headers tell what a table holds."""


class MappingFileError(IngestError):
    """A --mapping file that cannot be read or has the wrong shape."""


class ResumeError(IngestError):
    """The interrupted job cannot be resumed (its inputs changed)."""


class RowError(IngestError):
    """A row that cannot be loaded; each of its `problems` names a field and the reason."""

    def __init__(self, *problems: str) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(problems))


class AlertError(IngestError):
    """Alerts refused as a whole (nothing written); each problem names the alert and field."""

    def __init__(self, problems: list[dict[str, object]]) -> None:
        super().__init__("; ".join(f"{p['loc']}: {p['msg']}" for p in problems))
        self.problems = problems

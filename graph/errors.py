"""The graph layer's exceptions: one root, a subclass per kind of failure."""

from __future__ import annotations


class GraphError(Exception):
    """Root of every error the graph layer raises on purpose."""


class StoreUnavailableError(GraphError):
    """The engine cannot be reached or started."""


class InvalidInputError(GraphError):
    """A write was refused before anything was written; `problems` name field and reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class UnknownReferenceError(InvalidInputError):
    """An edge names a node that does not exist."""

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


class DuplicateError(InvalidInputError):
    """A write would give a second node a value that must be unique (an id, an ID number)."""


class UnknownReferenceError(InvalidInputError):
    """An edge names a node that does not exist."""


class VersionConflictError(GraphError):
    """The caller's version of a node is stale: someone else changed it since."""

    def __init__(self, ref: str, expected: int, current: int) -> None:
        self.ref, self.expected, self.current = ref, expected, current
        super().__init__(f"{ref} is at version {current}, not {expected}: read it again")


class NotFoundError(GraphError):
    """The node does not exist."""


class TransitionError(GraphError):
    """A workflow action (or a status change) that the incident's current state does not allow."""


class ForbiddenError(GraphError):
    """The caller may not do this: a filter on a personal field it may not see, a write
    outside its rows, a kind of read its scope does not allow. The message names the field or
    the operation, never the data."""

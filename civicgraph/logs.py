"""Structured logging (structlog), configured once per process.

Exceptions are logged as their type and a short stack of `file:line function` frames, never
with local variables, messages or tracebacks' source lines: those carry request values (ID
numbers, phones) that must not reach a log.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import MutableMapping
from pathlib import Path
from types import TracebackType
from typing import Any

import structlog

STACK_FRAMES = 8
_ROOT = str(Path(__file__).resolve().parents[1]) + "/"


def _exception_of(value: Any) -> BaseException | None:
    if isinstance(value, BaseException):
        return value
    if isinstance(value, tuple) and len(value) == 3:
        return value[1] if isinstance(value[1], BaseException) else None
    if value is True:
        return sys.exc_info()[1]
    return None


def _frames(tb: TracebackType | None) -> list[str]:
    summary = traceback.extract_tb(tb)[-STACK_FRAMES:]
    return [
        f"{frame.filename.removeprefix(_ROOT)}:{frame.lineno} {frame.name}" for frame in summary
    ]


def describe_exception(exc: BaseException) -> dict[str, Any]:
    """What a log may say of an exception: its type, its causes' types, a short stack."""
    causes: list[str] = []
    cause = exc.__cause__ or exc.__context__
    while cause is not None and len(causes) < 5:
        causes.append(type(cause).__qualname__)
        cause = cause.__cause__ or cause.__context__
    described: dict[str, Any] = {
        "error": type(exc).__qualname__,
        "frames": _frames(exc.__traceback__),
    }
    if causes:
        described["caused_by"] = causes
    return described


def redact_exceptions(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace `exc_info` / `exception` / `stack_info` by `describe_exception`'s summary."""
    info = event_dict.pop("exc_info", None)
    event_dict.pop("stack_info", None)
    text = event_dict.pop("exception", None)
    exc = _exception_of(info)
    if exc is not None:
        event_dict.update(describe_exception(exc))
    elif text is not None:
        event_dict["error"] = "exception (details withheld)"
    return event_dict


class WithoutQueryStrings(logging.Filter):
    """Access log lines name the path without its query string: a URL's query may carry a
    token (`?token=`) or a GraphQL request's variables (ID numbers, phones)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, _, query = args[2].partition("?")
            record.args = (args[0], args[1], path + ("?…" if query else ""), args[3], args[4])
        return True


class _StderrHandler(logging.StreamHandler):
    """Writes each record to the current `sys.stderr` and flushes it at once, whatever the
    stream's buffering (a log redirected to a file shows every entry as it happens)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass

    def emit(self, record: logging.LogRecord) -> None:
        super().emit(record)
        self.flush()


def configure_logging(level: str = "INFO", fmt: str = "console") -> None:
    """Route stdlib and structlog records through one renderer on stderr."""
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                redact_exceptions,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("neo4j").setLevel(logging.WARNING)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, WithoutQueryStrings) for f in access.filters):
        access.addFilter(WithoutQueryStrings())


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)

"""Personal data must never reach a log: every line the suite's tests wrote (their captured
output and logs, and the log files of the API processes they started) is scanned for ID
numbers and mobile phone numbers; one found fails the run, naming the test and the line."""

from __future__ import annotations

import re
from pathlib import Path

from graph.model.validators import id_check_code

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dX])(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d{9})(?![0-9A-Za-z])")
LOG_FILES: list[Path] = []  # logs of API processes the tests ran (see tests/changes/live.py)
FOUND: list[str] = []


def personal_data_in(text: str) -> list[str]:
    """The lines of `text` that hold an ID number (valid check code) or a mobile number."""
    hits = []
    for line in text.splitlines():
        numbers = [m for m in ID_NUMBER.findall(line) if id_check_code(m[:17]) == m[17]]
        if numbers or PHONE.search(line):
            hits.append(line.strip()[:300])
    return hits


def scan(where: str, text: str) -> None:
    FOUND.extend(f"{where}: {line}" for line in personal_data_in(text))


def scan_files() -> None:
    for path in LOG_FILES:
        if path.exists():
            scan(str(path), path.read_text(errors="replace"))

"""The personal-data scan of the suite's logs finds ID numbers and mobile numbers, and lets
through what logs legitimately hold (hashes, timestamps, ids, ports)."""

from __future__ import annotations

from tests.factories import id_number
from tests.log_scan import personal_data_in


def test_the_scan_finds_id_numbers_and_phones_and_nothing_else() -> None:
    number = id_number(serial=3)
    lines = [
        f"2026-12-02T09:00:00Z [info ] ingest.row id_number={number}",
        "api.request phone=13912345678 took=3ms",
        "a phone in Chinese text: 电话13800138000。",
    ]
    assert personal_data_in("\n".join(lines)) == lines
    wrong = "0" if number[17] in "X9" else str(int(number[17]) + 1)
    harmless = [
        "hash=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "relay.trimmed entries=13912345 cursor=1796204688-0 pid=28952 port=38503",
        "falkordb.started at 1796204617123 ms",
        f"an 18-digit number with a wrong check code: {number[:17]}{wrong}",
    ]
    assert personal_data_in("\n".join(harmless)) == []

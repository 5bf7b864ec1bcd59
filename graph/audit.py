"""The audit trail's hash chain: each entry's hash covers its own fields and the hash of the
entry before it, so editing, removing or reordering any entry breaks every hash after it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass

import orjson

from graph.records import AuditEntry


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    body = {k: v for k, v in asdict(entry).items() if k not in ("prev_hash", "hash")}
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    head: str
    broken_at: int | None = None  # the first entry whose chain does not hold
    reason: str = ""


def verify_chain(entries: Iterable[AuditEntry], expected_last: int | None = None) -> ChainCheck:
    """Check entries given in sequence order, from the first; `expected_last`: the sequence
    the trail's head says it ends at (a removed last entry shows only there)."""
    prev, seq, count = "", 0, 0
    for entry in entries:
        count += 1
        if entry.seq != seq + 1:
            return ChainCheck(count, prev, seq + 1, f"entry {seq + 1} is missing")
        if entry.prev_hash != prev:
            return ChainCheck(count, prev, entry.seq, "it does not name the entry before it")
        if entry_hash(prev, entry) != entry.hash:
            return ChainCheck(count, prev, entry.seq, "its content does not match its hash")
        prev, seq = entry.hash, entry.seq
    if expected_last is not None and expected_last != seq:
        return ChainCheck(
            count, prev, seq + 1, f"the trail ends at {seq}, its head says {expected_last}"
        )
    return ChainCheck(count, prev)


def every_entry(
    read: Callable[[int, int], list[AuditEntry]], page: int = 1000
) -> Iterator[AuditEntry]:
    """The whole trail, oldest first, read a page at a time."""
    after = 0
    while batch := read(after, page):
        yield from batch
        after = batch[-1].seq

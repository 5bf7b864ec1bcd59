"""The change stream in Redis: its keys, cursors, the atomic append of a relayed batch, trimming
and reads.

Entry ids are `<event seq>-<entity index>`, derived from the change log, never chosen by
Redis: an append names the relay position it continues from and the script refuses it when
another relay got there first, so every event enters the stream exactly once, in order, even
when a relay dies mid-batch or two run at once. The keys of one graph share a hash tag, so the
scripts touch a single slot of a Redis Cluster."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import redis

from events.change import Change

CURSOR = re.compile(r"^(\d{1,19})-(\d{1,19})$")
PAYLOAD = "e"  # the entry's field holding the change as JSON

# KEYS: stream, relayed. ARGV: the position the batch continues from, the position it ends
# at, then id and payload of each entry. Returns {1, end} or {0, the current position}.
_APPEND = """
local relayed = redis.call('GET', KEYS[2]) or '0'
if relayed ~= ARGV[1] then return {0, relayed} end
for i = 3, #ARGV, 2 do redis.call('XADD', KEYS[1], ARGV[i], 'e', ARGV[i + 1]) end
redis.call('SET', KEYS[2], ARGV[2])
return {1, ARGV[2]}
"""
# KEYS: stream, trimmed. ARGV: the first id to keep. Records the last id removed.
_TRIM = """
local last = redis.call('XREVRANGE', KEYS[1], '(' .. ARGV[1], '-', 'COUNT', 1)
if #last == 0 then return 0 end
redis.call('SET', KEYS[2], last[1][1])
return redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1])
"""
# KEYS: lease. ARGV: holder token, lease ms. Takes a free lease or renews one's own.
LEASE_SCRIPT = _LEASE = """
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""


class CursorError(ValueError):
    """A cursor argument that is not a change cursor."""

    def __init__(self, argument: str) -> None:
        super().__init__(f"{argument}: not a change cursor (it looks like 1234-0)")
        self.argument = argument


class CursorExpiredError(Exception):
    """Events after the cursor were trimmed from the stream."""

    def __init__(self, oldest: str) -> None:
        super().__init__(
            f"after: the stream no longer holds the events after this cursor; the oldest "
            f"cursor still available is {oldest}"
        )
        self.oldest = oldest


def parse_cursor(text: str, argument: str = "after") -> tuple[int, int]:
    match = CURSOR.match(text)
    if match is None:
        raise CursorError(argument)
    return int(match.group(1)), int(match.group(2))


def cursor_key(cursor: str) -> tuple[int, int]:
    """A stream id as a sortable pair."""
    seq, _, index = cursor.partition("-")
    return int(seq), int(index or 0)


@dataclass(frozen=True)
class StreamKeys:
    stream: str
    relayed: str  # the sequence of the last event relayed
    trimmed: str  # the id of the last entry trimmed away
    lease: str  # which relay may run
    tag: str  # what every key of this graph starts with (webhooks' keys too)

    @classmethod
    def of_graph(cls, name: str) -> StreamKeys:
        tag = f"civicgraph:{{{name}}}"
        return cls(f"{tag}:changes", f"{tag}:relayed", f"{tag}:trimmed", f"{tag}:relay-lease", tag)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


Entries = list[tuple[str, Change]]


def entries_of(raw: Any) -> Entries:
    """Stream entries as returned by XRANGE, each as its id and its change."""
    return [
        (_text(entry_id), Change.from_entry(_text(entry_id), body[PAYLOAD.encode()]))
        for entry_id, body in raw or ()
    ]


class ChangeStream:
    """Synchronous access to one graph's change stream (the relay, pull queries, the CLI)."""

    def __init__(self, client: redis.Redis, keys: StreamKeys) -> None:
        self.client = client
        self.keys = keys
        self._append = client.register_script(_APPEND)
        self._trim = client.register_script(_TRIM)
        self._lease = client.register_script(_LEASE)

    def relayed(self) -> int:
        value = self.client.get(self.keys.relayed)
        return int(value) if value is not None else 0

    def append(self, continues_from: int, through: int, changes: list[Change]) -> int | None:
        """Append a relayed batch ending at event `through`; None if the stream's position
        is not `continues_from` (another relay moved it: the position it has is returned
        by `relayed`)."""
        args: list[Any] = [str(continues_from), str(through)]
        for change in changes:
            args += [change.cursor, change.to_json()]
        done, _ = self._append(keys=[self.keys.stream, self.keys.relayed], args=args)
        return through if int(done) else None

    def take_lease(self, token: str, lease_ms: int) -> bool:
        return bool(self._lease(keys=[self.keys.lease], args=[token, lease_ms]))

    def reset(self) -> None:
        """Forget the stream (its graph was replaced: its sequence numbers start again)."""
        self.client.delete(self.keys.stream, self.keys.relayed, self.keys.trimmed)

    def trim(self, max_len: int, max_age_before: str | None) -> int:
        """Remove entries beyond the newest `max_len` and those recorded before the time
        `max_age_before` (ISO text, as entries hold); how many went."""
        keep_from: str | None = None
        length = int(self.client.xlen(self.keys.stream))
        if length > max_len:
            cut = entries_of(
                self.client.xrange(self.keys.stream, "-", "+", count=length - max_len + 1)
            )
            keep_from = cut[-1][0]
        if max_age_before is not None:
            start = keep_from or "-"
            while True:
                entries = entries_of(self.client.xrange(self.keys.stream, start, "+", count=500))
                fresh = next(
                    (entry_id for entry_id, change in entries if change.at >= max_age_before),
                    None,
                )
                if fresh is not None or len(entries) < 500:
                    if fresh is None and entries:  # every entry is old: keep none
                        seq, index = cursor_key(entries[-1][0])
                        fresh = f"{seq}-{index + 1}"
                    keep_from = fresh or keep_from
                    break
                start = "(" + entries[-1][0]
        if keep_from is None:
            return 0
        return int(self._trim(keys=[self.keys.stream, self.keys.trimmed], args=[keep_from]))

    def oldest_cursor(self) -> str:
        """The oldest cursor a reader can resume from: what was trimmed last, or `0-0`."""
        value = self.client.get(self.keys.trimmed)
        return _text(value) if value is not None else "0-0"

    def check_cursor(self, after: str) -> None:
        """CursorExpiredError when entries after `after` were trimmed away."""
        oldest = self.oldest_cursor()
        if cursor_key(after) < cursor_key(oldest):
            raise CursorExpiredError(oldest)

    def read(self, after: str, count: int) -> list[Change]:
        """Up to `count` entries after the cursor `after`, oldest first."""
        raw = self.client.xrange(self.keys.stream, f"({after}", "+", count=count)
        return [change for _, change in entries_of(raw)]

    def wait(self, after: str, block_ms: int, count: int = 1000) -> list[Change]:
        """The entries after `after`, waiting up to `block_ms` for one to come."""
        reply: Any = self.client.xread({self.keys.stream: after}, count=count, block=block_ms)
        return [change for _, raw in reply or () for _, change in entries_of(raw)]

    def last_cursor(self) -> str:
        """The newest entry's id, or `0-0` for an empty stream."""
        raw: Any = self.client.xrevrange(self.keys.stream, "+", "-", count=1)
        return _text(raw[0][0]) if raw else "0-0"

"""The relay: moves committed change events, in sequence order, from the graph's change log
into the change stream, then prunes them from the graph (the stream is the log from there).

One relay per graph does the work at a time (a lease in Redis, renewed as it runs; another
takes over within the lease time when it dies); the append itself is fenced (see
`events.stream`), so even two relays at once neither lose nor repeat an event."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import redis
from prometheus_client import Counter, Histogram

from civicgraph.logs import get_logger
from events.describe import ChangeSource, describe
from events.stream import ChangeStream
from graph.records import ChangeEvent

log = get_logger(__name__)
RELAYED = Counter("civicgraph_events_relayed_total", "Change stream entries appended")
RELAY_SECONDS = Histogram(
    "civicgraph_relay_batch_seconds",
    "Time to relay one batch of change events",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RelaySource(ChangeSource, Protocol):
    """What the relay reads and prunes of the store (see `graph.port.EventLog`)."""

    def events_after(self, seq: int, limit: int = 1000) -> list[ChangeEvent]: ...

    def last_event_seq(self) -> int: ...

    def prune_events(self, through: int) -> int: ...

    def on_commit(self, listener: Callable[[], None]) -> None: ...


@dataclass(frozen=True)
class RelayOptions:
    batch: int = 1000  # change events read per round trip
    poll_s: float = 0.02  # how long an idle relay waits before looking again
    lease_s: float = 5.0  # how long a silent relay keeps the lease
    max_len: int = 1_000_000  # stream entries kept
    max_age_s: float = 7 * 86400  # and for how long
    trim_every_s: float = 10.0


def check_stream(stream: ChangeStream, store: RelaySource) -> None:
    """Forget a stream that runs ahead of the graph (the graph was cleared or replaced:
    its numbers start again); warn when Redis may lose acknowledged entries."""
    if stream.relayed() > store.last_event_seq():
        log.warning("relay.stream_reset", reason="the stream is ahead of the graph")
        stream.reset()
    try:
        raw = stream.client.config_get("append*")
    except redis.exceptions.ResponseError:  # a managed Redis may refuse CONFIG
        return
    config = {_text(k): _text(v) for k, v in raw.items()}
    if config.get("appendonly") != "yes" or config.get("appendfsync") != "always":
        log.warning(
            "relay.redis_not_durable",
            appendonly=config.get("appendonly"),
            appendfsync=config.get("appendfsync"),
            advice="set appendonly yes and appendfsync always, or a Redis crash can lose "
            "relayed events (they are pruned from the graph once appended)",
        )


class Relay:
    def __init__(self, store: RelaySource, stream: ChangeStream, options: RelayOptions) -> None:
        self.store = store
        store.on_commit(lambda: self.wake.set())
        self.stream = stream
        self.options = options
        self.token = secrets.token_hex(8)
        self._held_until = 0.0
        self._trimmed_at = 0.0
        self._pruned_through = -1
        self._known: int | None = None  # the stream's position, as last read or written
        self._known_at = 0.0
        self.wake = threading.Event()  # set by this process's commits: look now

    def step(self) -> int:
        """Relay one batch; how many stream entries it appended (0: nothing to do)."""
        for _ in range(3):
            appended = self._step()
            if appended is not None:
                return appended
            self._known = None  # another relay moved on meanwhile: from where it stands
        return 0

    def _step(self) -> int | None:
        """One batch from the position this relay knows; None if the stream had moved on."""
        started = time.perf_counter()
        position = self._position()
        events = self.store.events_after(position, self.options.batch)
        if not events:
            if self._pruned_through < position:
                # What a relay that died between appending and pruning left in the graph.
                self.store.prune_events(position)
                self._pruned_through = position
            return 0
        changes = describe(events, self.store)
        through = events[-1].seq
        if self.stream.append(position, through, changes) is None:
            return None
        self._known, self._known_at = through, time.monotonic()
        self.store.prune_events(through)
        self._pruned_through = through
        RELAYED.inc(len(changes))
        RELAY_SECONDS.observe(time.perf_counter() - started)
        return len(changes)

    def _position(self) -> int:
        """Where the stream stands: as this relay left it, read again from Redis at least
        once a second (an idle poll then costs one store query, not two round trips)."""
        if self._known is None or time.monotonic() - self._known_at > 1.0:
            self._known, self._known_at = self.stream.relayed(), time.monotonic()
        return self._known

    def drain(self) -> int:
        """Relay until nothing is left; how many entries were appended."""
        total = 0
        while appended := self.step():
            total += appended
        return total

    def _holds_lease(self) -> bool:
        now = time.monotonic()
        if now < self._held_until - self.options.lease_s * 2 / 3:
            return True
        if self.stream.take_lease(self.token, int(self.options.lease_s * 1000)):
            if self._held_until == 0.0:
                self._known = None  # another relay may have worked meanwhile
            self._held_until = now + self.options.lease_s
            return True
        self._held_until = 0.0
        return False

    def _trim(self) -> None:
        now = time.monotonic()
        if now - self._trimmed_at < self.options.trim_every_s:
            return
        self._trimmed_at = now
        before = datetime.now(UTC) - timedelta(seconds=self.options.max_age_s)
        removed = self.stream.trim(self.options.max_len, before.strftime("%Y-%m-%dT%H:%M:%SZ"))
        if removed:
            log.info("relay.trimmed", entries=removed)

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set, riding out store and Redis outages."""
        backoff = 0.1
        while not stop.is_set():
            try:
                if not self._holds_lease():
                    stop.wait(self.options.lease_s / 3)
                    continue
                if not self.step():
                    self._trim()
                    self.wake.wait(self.options.poll_s)  # writes of other processes: polled
                    self.wake.clear()
                backoff = 0.1
            except Exception as exc:  # noqa: BLE001 (an outage: wait, then carry on)
                log.warning("relay.retrying", error=type(exc).__name__, wait_s=backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)


class RelayThread:
    """A relay running beside the API in a daemon thread."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay
        self.stop = threading.Event()
        self.thread = threading.Thread(target=relay.run, args=(self.stop,), daemon=True)

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.relay.wake.set()
        self.thread.join(timeout=10)

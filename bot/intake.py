"""The durable intake: every platform request we acknowledge is applied exactly once, across crashes.

A request (a slash command, a click, an event, a Discord interaction) is written to the intake, keyed by
its platform identity, *before* its acknowledgement goes out. A replay or a retry of a key already there is
acknowledged and does nothing. The worker applies the request and marks it applied in the same
transaction as its effect, with the reply it produced; the reply is sent afterwards and the row marked
responded. On start, what a dead process left behind is finished: pending rows are applied, applied rows
get their stored reply sent. So an acknowledged request is never lost, and never applied twice.

Admissions are group-committed by one writer thread: under a burst, one durable commit covers every
request that arrived meanwhile, so the acknowledgement waits for one fsync, not one per request ahead of it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from bot.clock import Clock

log = logging.getLogger(__name__)

IntakeState = Literal["pending", "applied", "responded", "failed"]
# Slack signs a request for 5 minutes and retries for about as long; a day of keys covers every replay.
KEEP_KEYS = timedelta(days=1)
# A reply older than this has nowhere to go (Slack's response_url lives 30 minutes, Discord's token 15).
RECOVER_WITHIN = timedelta(minutes=30)
# An applied request whose reply is still on its way in a live process (the reply call times out after 5 s)
# is left alone this long before another process (or a later pass) sends its stored reply.
REPLY_SETTLE = timedelta(seconds=10)
# A pending request a live process has queued is applied by whoever gets there first (the apply is
# exactly-once and its winner replies); a recovery pass takes one only once it has waited this long.
PENDING_SETTLE = timedelta(seconds=30)
MAX_BATCH = 512


@dataclass(frozen=True)
class IntakeRecord:
    key: str
    platform: str
    kind: str
    body: str
    content_type: str = ""


@dataclass(frozen=True)
class OpenRequest:
    """A request a previous process acknowledged but did not finish."""

    record: IntakeRecord
    state: IntakeState
    response: dict[str, Any] | None
    received_at: datetime
    updated_at: datetime | None = None


class IntakeStore(Protocol):
    """Storage for the intake. ``admit`` is atomic for the whole batch; ``unit_of_work`` is one transaction
    that also holds every write the applied use case makes (nested transactions join it)."""

    def admit(self, records: Sequence[IntakeRecord], now: datetime) -> list[bool]: ...
    def unit_of_work(self) -> AbstractContextManager[Any]: ...
    def state_of(self, key: str) -> IntakeState | None: ...
    def mark(self, key: str, state: IntakeState, now: datetime, response: dict[str, Any] | None = None) -> None: ...
    def open_requests(self, since: datetime, platform: str) -> list[OpenRequest]: ...
    def claim_reply(self, key: str, seen_updated_at: datetime, now: datetime) -> bool:
        """Take the sending of an applied request's stored reply: True for one caller only (a compare-and-set
        on ``updated_at``, which also holds the row back from others for another settle period)."""
        ...
    def prune(self, before: datetime) -> int: ...


@dataclass(frozen=True)
class Applied:
    """The outcome of ``Intake.apply``: the reply to send now, or None when another run already answered it."""

    response: dict[str, Any] | None
    fresh: bool


class Intake:
    def __init__(self, store: IntakeStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._queue: queue.SimpleQueue[tuple[IntakeRecord, Future[bool]] | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._lock = threading.Lock()
        self._admitted = 0

    # admission --------------------------------------------------------------------------------------
    def admit(self, record: IntakeRecord) -> Future[bool]:
        """Queue ``record`` for the next group commit; the future says True for a new key, False for a replay."""
        self._ensure_writer()
        future: Future[bool] = Future()
        self._queue.put((record, future))
        return future

    def admit_now(self, record: IntakeRecord) -> bool:
        """Admit synchronously (Socket Mode, Discord): the caller blocks for the durable commit."""
        return self.admit(record).result()

    def _ensure_writer(self) -> None:
        with self._lock:
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._write_loop, name="intake-writer", daemon=True)
                self._writer.start()

    def _write_loop(self) -> None:
        while (first := self._queue.get()) is not None:
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            self._commit(batch)

    def _commit(self, batch: list[tuple[IntakeRecord, Future[bool]]]) -> None:
        # Two deliveries of one key in the same batch: the first is new, the second a replay.
        unique: dict[str, IntakeRecord] = {}
        for record, _ in batch:
            unique.setdefault(record.key, record)
        try:
            inserted = dict(zip(unique, self.store.admit(list(unique.values()), self.clock.now()), strict=True))
        except Exception as error:  # the caller refuses the request (no ack): the platform will retry it
            for _, future in batch:
                future.set_exception(error)
            return
        claimed: set[str] = set()
        for record, future in batch:
            new = inserted[record.key] and record.key not in claimed
            claimed.add(record.key)
            future.set_result(new)
        self._maybe_prune(len(batch))

    def _maybe_prune(self, count: int) -> None:
        self._admitted += count
        if self._admitted >= 1000:
            self._admitted = 0
            try:
                self.store.prune(self.clock.now() - KEEP_KEYS)
            except Exception:
                log.warning("could not prune old intake rows", exc_info=True)

    def close(self) -> None:
        if self._writer is not None and self._writer.is_alive():
            self._queue.put(None)
            self._writer.join(timeout=10)

    # applying ---------------------------------------------------------------------------------------
    def apply(self, key: str, work: Callable[[], dict[str, Any]]) -> Applied:
        """Run ``work`` (the use case, returning the reply to send) once for ``key``, in one transaction
        with the mark that says it ran. A key already applied (or failed) runs nothing and comes back not
        fresh, with no reply: recovery sends a stored reply; a key never admitted (no intake on this path)
        runs unguarded."""
        with self.store.unit_of_work():
            state = self.store.state_of(key)
            if state in ("applied", "responded", "failed"):
                return Applied(None, fresh=False)
            response = work()
            if state is not None:
                self.store.mark(key, "applied", self.clock.now(), response)
        return Applied(response, fresh=True)

    def responded(self, key: str) -> None:
        try:
            self.store.mark(key, "responded", self.clock.now())
        except Exception:  # the reply went out; at worst a restart sends it again
            log.warning("could not mark an intake row responded", exc_info=True)

    def failed(self, key: str) -> None:
        """The request could not be applied and the user was told so: never re-run it on a restart."""
        try:
            self.store.mark(key, "failed", self.clock.now())
        except Exception:
            log.warning("could not mark an intake row failed", exc_info=True)

    def open_requests(self, platform: str, *, starting: bool = True) -> Iterator[OpenRequest]:
        """What a dead process acknowledged and left unfinished, oldest first, within the reply window.

        Several processes may share the database, so "left" cannot mean "open now": an applied row comes
        only once it has been quiet for REPLY_SETTLE and this caller claimed its reply; a pending row comes at
        once when ``starting`` (before this process admits anything, a pending row is someone else's; applying
        it is exactly-once whoever wins), and on later passes only once it has waited PENDING_SETTLE.
        """
        now = self.clock.now()
        for request in self.store.open_requests(now - RECOVER_WITHIN, platform):
            touched = request.updated_at or request.received_at
            if request.state == "pending":
                if starting or now - touched >= PENDING_SETTLE:
                    yield request
            elif now - touched >= REPLY_SETTLE and self.store.claim_reply(request.record.key, touched, now):
                yield request

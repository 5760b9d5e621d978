"""Line up racing threads and processes without sleeping, and hold one transaction open while its rival runs.

Two ways to race. ``together`` releases every call at once from a barrier: the natural race, repeated over
several rounds by the tests so a missing lock shows up as a wrong count. ``Rival`` forces the worst
interleaving: the test opens a transaction (the intake's unit of work), does its half inside it, starts the
rival in another thread and waits, before committing, until the rival is as far as it can get: finished,
inside a callback it signals from, or (PostgreSQL) waiting on one of our row or advisory locks, which
``pg_stat_activity`` shows. SQLite serialises writers on the whole file, so there a rival can only ever be
queued behind us; we give it a moment to get there.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.context import SpawnContext
from typing import Any, Generic, TypeVar

from bot.store import Store

T = TypeVar("T")

JOIN_SECONDS = 30.0
SQLITE_QUEUE_SECONDS = 0.05
"""How long a rival on SQLite gets to reach the file lock we hold (it cannot get past it)."""
BLOCKED_DEADLINE_SECONDS = 10.0


def together(*calls: Callable[[], T]) -> list[T]:
    """Run each call on its own thread, released at once by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: dict[int, T] = {}
    errors: list[str] = []

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=JOIN_SECONDS)
            results[index] = call()
        except BaseException:
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a racing call never returned"
    assert not errors, "a racing call raised:\n" + "\n".join(errors)
    return [results[i] for i in range(len(calls))]


class LockWatch:
    """Tells when another session of the store's database waits on a lock (PostgreSQL); no-op on SQLite."""

    def __init__(self, store: Store) -> None:
        self.driver = store.url.driver
        self._conn: Any = None
        if self.driver == "postgres":
            import psycopg

            # Its own autocommit session: pg_stat_activity is a snapshot per transaction, so it must not
            # be read inside the transaction the test holds open.
            self._conn = psycopg.connect(store.url.target, autocommit=True)

    def someone_waits(self) -> bool:
        if self._conn is None:
            return False
        row = self._conn.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
        return bool(row[0])

    def wait_for(self, *signals: threading.Event) -> str:
        """Until a signal is set or someone waits on a lock; what happened: ``signal``, ``blocked`` or ``queued``."""
        if self.driver != "postgres":
            for signal in signals:
                if signal.wait(SQLITE_QUEUE_SECONDS / len(signals)):
                    return "signal"
            return "queued"
        deadline = time.monotonic() + BLOCKED_DEADLINE_SECONDS
        while True:
            if any(signal.is_set() for signal in signals):
                return "signal"
            if self.someone_waits():
                return "blocked"
            assert time.monotonic() < deadline, "the rival neither finished nor waited on a lock"
            signals[0].wait(0.002)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


class Rival(Generic[T]):
    """A call on another thread, started on demand, whose end the holder of a transaction can wait for."""

    def __init__(self, call: Callable[[], T]) -> None:
        self.call = call
        self.done = threading.Event()
        self.result: T | None = None
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.result = self.call()
        except BaseException:
            self.error = traceback.format_exc()
        finally:
            self.done.set()

    def start(self) -> Rival[T]:
        self._thread.start()
        return self

    def join(self) -> T | None:
        self._thread.join(JOIN_SECONDS)
        assert not self._thread.is_alive(), "the rival never returned"
        assert self.error is None, f"the rival raised:\n{self.error}"
        return self.result


# processes ------------------------------------------------------------------------------------------
def spawn() -> SpawnContext:
    return multiprocessing.get_context("spawn")


def race_processes(scenario: str, url: str, holders: Sequence[str], rounds: int) -> list[list[Any]]:
    """Run ``scenario`` (a function in :mod:`tests.store.contract.workers`) in one fresh process per holder,
    every round released at once by a shared barrier; each process's results, round by round."""
    from tests.store.contract import workers

    ctx = spawn()
    barrier = ctx.Barrier(len(holders))
    outcomes = ctx.Queue()
    processes = [
        ctx.Process(target=workers.run, args=(scenario, url, holder, rounds, barrier, outcomes), daemon=True)
        for holder in holders
    ]
    for process in processes:
        process.start()
    try:
        reports: dict[str, list[Any]] = {}
        for _ in holders:
            holder, status, payload = outcomes.get(timeout=JOIN_SECONDS * 2)
            assert status == "ok", f"process {holder} failed:\n{payload}"
            reports[holder] = payload
        for process in processes:
            process.join(JOIN_SECONDS)
            assert process.exitcode == 0, f"a worker exited with {process.exitcode}"
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(5)
        outcomes.close()
    return [reports[holder] for holder in holders]

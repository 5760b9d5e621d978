"""Acks before work: background jobs hold back while requests are arriving and waiting for their ack.

Slack allows 3 seconds for an ack but 30 minutes for a response_url answer, and in one Python process the
ack path and the work share one interpreter lock. Under a burst, work threads running beside the front door
starve it, so a job is released to the pool once the door has been quiet for ``quiet`` seconds (no request
mid-ack, none arrived lately), or ``max_delay`` seconds after it was queued at the latest: replies are a
moment late under load, never starved. At rest a job starts within ``quiet`` of its ack. One releaser
thread does the waiting, so idle pool threads never wake up just to find the door still busy.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_QUIET_SECONDS = 0.005
DEFAULT_MAX_DELAY_SECONDS = 1.0


class AckFirst:
    """Tracks the front door: requests between arrival and ack, and when the last one arrived."""

    def __init__(self, quiet: float = DEFAULT_QUIET_SECONDS, max_delay: float = DEFAULT_MAX_DELAY_SECONDS) -> None:
        self.quiet = quiet
        self.max_delay = max_delay
        self._pending = 0
        self._last_arrival = 0.0
        self._cond = threading.Condition()

    def request_started(self) -> None:
        with self._cond:
            self._pending += 1
            self._last_arrival = time.monotonic()

    def request_finished(self) -> None:
        with self._cond:
            self._pending -= 1
            if self._pending == 0:
                self._cond.notify()

    def wait_for_quiet(self, deadline: float) -> None:
        """Return once the door is quiet, or at ``deadline`` (a ``time.monotonic()`` instant) whatever happens."""
        with self._cond:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    return
                if self._pending == 0:
                    calm_for = now - self._last_arrival
                    if calm_for >= self.quiet:
                        return
                    self._cond.wait(min(self.quiet - calm_for, deadline - now))
                else:
                    self._cond.wait(deadline - now)


@dataclass
class _Job:
    future: Future[Any]
    run: Callable[[], Any]
    deadline: float


class AckFirstExecutor(Executor):
    """A thread pool fed by one releaser that lets each job through when the front door is quiet."""

    def __init__(self, gate: AckFirst, max_workers: int, thread_name_prefix: str = "slack-work") -> None:
        self.gate = gate
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._releaser = threading.Thread(target=self._release, name=f"{thread_name_prefix}-releaser", daemon=True)
        self._releaser.start()
        self._closed = False

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        if self._closed:
            raise RuntimeError("cannot submit work after shutdown")
        future: Future[T] = Future()
        self._jobs.put(_Job(future, lambda: fn(*args, **kwargs), time.monotonic() + self.gate.max_delay))
        return future

    def _release(self) -> None:
        while (job := self._jobs.get()) is not None:
            self.gate.wait_for_quiet(job.deadline)
            self._pool.submit(_run, job)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Queued jobs still run (they are users' replies); ``wait`` blocks until they have."""
        self._closed = True
        self._jobs.put(None)
        if wait:
            self._releaser.join()
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _run(job: _Job) -> None:
    if not job.future.set_running_or_notify_cancel():
        return
    try:
        job.future.set_result(job.run())
    except Exception as error:  # nobody awaits these futures: say what failed instead of losing it
        log.exception("background Slack work failed")
        job.future.set_exception(error)

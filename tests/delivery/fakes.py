"""Test doubles for delivery: a recording platform, a crashable store, and virtual time for pacing.

Nothing here sleeps for real: VirtualTime advances only when every task is waiting on it.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from bot.clock import Clock
from bot.messages import Reply
from bot.ports import DeliveryError, Destination

T = TypeVar("T")


class SimulatedCrash(BaseException):
    """The process dies here (think kill -9): not an Exception, so nothing in the code under test catches it."""


@dataclass(frozen=True)
class Post:
    destination: Destination
    reply: Reply
    key: str
    message_id: str
    at: datetime
    monotonic: float


@dataclass(frozen=True)
class Failure:
    """One scripted failure; ``accepted`` means the platform kept the post anyway (a timeout after success)."""

    error: DeliveryError
    accepted: bool = False
    lands_after: float = 0.0
    """With ``accepted``: the post becomes visible only this many (virtual) seconds later, like a slow original."""


@dataclass
class FakeMessenger:
    """A platform that records what it accepted, can be scripted to fail, and can crash the caller."""

    clock: Clock
    platform: str = "slack"
    time: VirtualTime | None = None
    latency: float = 0.0
    posts: list[Post] = field(default_factory=list)
    attempts: list[tuple[str, str]] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    scripted: dict[str, list[Failure]] = field(default_factory=dict)
    gone: dict[str, DeliveryError] = field(default_factory=dict)
    crash: str | None = None  # "before" the platform call, or "during": accepted, then the caller dies
    admins: dict[str, bool | DeliveryError | None] = field(default_factory=dict)
    """What ``is_admin`` answers per user (an error is raised); anyone not named is an admin."""
    admin_checks: list[tuple[str, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    def fail(self, channel_id: str, *failures: Failure) -> None:
        self.scripted.setdefault(channel_id, []).extend(failures)

    async def send(self, destination: Destination, reply: Reply, idempotency_key: str) -> str:
        self.attempts.append((destination.channel_id, idempotency_key))
        if self.crash == "before":
            self.crash = None
            raise SimulatedCrash("before the platform call")
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency and self.time is not None:
                await self.time.sleep(self.latency)
        finally:
            self.in_flight -= 1
        if destination.channel_id in self.gone:
            raise self.gone[destination.channel_id]
        queue = self.scripted.get(destination.channel_id)
        failure = queue.pop(0) if queue else None
        if failure is not None and not failure.accepted:
            raise failure.error
        message_id = f"m{len(self.posts) + 1}"
        landed = (self.time.now if self.time else 0.0) + (failure.lands_after if failure is not None else 0.0)
        self.posts.append(Post(destination, reply, idempotency_key, message_id, self.clock.now(), landed))
        if failure is not None:
            raise failure.error
        if self.crash == "during":
            self.crash = None
            raise SimulatedCrash("after the platform accepted the post")
        return message_id

    async def find_sent(self, destination: Destination, idempotency_key: str, since: datetime) -> str | None:
        self.lookups.append(idempotency_key)
        for post in self.posts:
            landed = self.time is None or post.monotonic <= self.time.now
            if post.key == idempotency_key and post.destination.channel_id == destination.channel_id and post.at >= since and landed:
                return post.message_id
        return None

    async def is_admin(self, workspace_id: str, user_id: str) -> bool | None:
        self.admin_checks.append((workspace_id, user_id))
        answer = self.admins.get(user_id, True)
        if isinstance(answer, DeliveryError):
            raise answer
        return answer

    def counts(self) -> Counter[str]:
        return Counter(p.key for p in self.posts)

    def posts_to(self, channel_id: str) -> list[Post]:
        return [p for p in self.posts if p.destination.channel_id == channel_id]


class CrashingStore:
    """Wraps a DeliveryStore and dies right after the ``call``-th call of the named method has committed."""

    def __init__(self, inner: Any, crash_after: str, call: int = 1) -> None:
        self.inner = inner
        self.crash_after: str | None = crash_after
        self.calls_left = call

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if name != self.crash_after:
            return attribute

        def crash_after_commit(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            self.calls_left -= 1
            if self.calls_left > 0:
                return result
            self.crash_after = None
            raise SimulatedCrash(f"right after {name}")

        return crash_after_commit


class VirtualTime:
    """Monotonic time and sleep for the pacer: time jumps to the next wake-up once all tasks wait."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        await future

    async def drive(self, coroutine: Coroutine[Any, Any, T]) -> T:
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(coroutine)
        while not task.done():
            await asyncio.sleep(0)
            if task.done() or loop._ready:  # type: ignore[attr-defined]  # other tasks can still run
                continue
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)
            if not self._sleepers:
                raise RuntimeError("deadlock: every task waits and nobody sleeps")
            wake, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, wake)
            future.set_result(None)
        return task.result()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run(self.drive(coroutine))

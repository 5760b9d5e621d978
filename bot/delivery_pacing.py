"""Pacing sends under platform rate limits with token buckets, so fan-out rarely meets a 429.

Each bucket is a GCRA (generic cell rate algorithm) token bucket: ``rate`` sends per second with
``burst`` allowed back to back. A send passes through every bucket that applies to its destination,
narrowest first (channel, workspace, platform), queueing FIFO on each bucket's lock and sleeping
there until the bucket allows it; once it holds all of them it takes a token from each at the same
instant. Tokens are only ever taken at the moment of sending, so a send waiting on a busy channel
never holds back the rest of its workspace or platform, and a busy workspace delays only itself.
Time and sleep are injected so tests never sleep for real. The limits are data: each adapter's messenger
states its platform's (``Messenger.limits``), and the core knows no platform's numbers.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager

from bot.ports import Destination, PlatformLimits, Rate

Sleep = Callable[[float], Awaitable[None]]
EPSILON = 1e-9  # seconds; below this a wait is rounding, not a limit
Monotonic = Callable[[], float]


class TokenBucket:
    """GCRA: ``tat`` is the theoretical arrival time of the next send at exactly the average rate."""

    def __init__(self, rate: Rate, headroom: float = 1.0) -> None:
        self.interval = 1.0 / (rate.per_second * headroom)
        self.tolerance = (rate.burst - 1) * self.interval
        self.tat = -math.inf

    def earliest(self, now: float) -> float:
        return max(now, self.tat - self.tolerance)

    def take(self, at: float) -> None:
        self.tat = max(self.tat, at) + self.interval

    def block_until(self, until: float) -> None:
        """The platform said to wait: nothing conforms before ``until``."""
        self.tat = max(self.tat, until + self.tolerance)

    def idle(self, now: float) -> bool:
        return self.tat <= now


class PriorityGate:
    """A bound on calls in flight that, when full, lets the most urgent waiter in next (FIFO among equals).

    Urgency is the caller's backlog: the workspace with the most posts still to send sets how long the
    whole fan-out takes, so it must never queue behind hundreds of one-post workspaces.
    """

    def __init__(self, capacity: int) -> None:
        self._free = capacity
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def acquire(self, priority: float = 0.0) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (-priority, next(self._order), future))
        try:
            await future
        except BaseException:
            if future.done() and not future.cancelled():
                self.release()  # we were handed a slot but will not use it: pass it on
            raise

    def release(self) -> None:
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)  # the slot moves straight to the waiter
                return
        self._free += 1


class Pacer:
    def __init__(
        self,
        limits: Mapping[str, PlatformLimits],
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        headroom: float = 1.0,
    ) -> None:
        self.limits = limits
        self.monotonic = monotonic
        self.sleep = sleep
        self.headroom = headroom
        self._buckets: dict[str, TokenBucket] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._locks_loop: asyncio.AbstractEventLoop | None = None

    def _buckets_for(self, destination: Destination, include_overall: bool = True) -> list[tuple[str, TokenBucket]]:
        """Narrowest first; that order is also the lock order, so waiters never deadlock."""
        limits = self.limits.get(destination.platform)
        if limits is None:
            return []
        wanted: list[tuple[str, Rate | None]] = [
            (f"{destination.platform}|c|{destination.workspace_id}|{destination.channel_id}", limits.per_channel),
            (f"{destination.platform}|w|{destination.workspace_id}", limits.per_workspace),
        ]
        if include_overall:
            wanted.append((f"{destination.platform}|*", limits.overall))
        buckets = []
        for key, rate in wanted:
            if rate is None:
                continue
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(rate, self.headroom)
            buckets.append((key, bucket))
        return buckets

    def _lock(self, key: str) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if loop is not self._locks_loop:  # asyncio locks belong to one loop; bucket state outlives it
            self._locks, self._locks_loop = {}, loop
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    @asynccontextmanager
    async def slot(self, destination: Destination, gate: PriorityGate | None = None, priority: float = 0.0) -> AsyncIterator[float]:
        """Hold a send slot for ``destination``: yields the seconds waited; the send goes inside the block.

        ``gate`` (the bound on calls in flight) is acquired last, just before the tokens are taken, so
        tokens are spent at the moment the call leaves and a queue for the gate cannot bunch sends up
        into a burst the platform would refuse. Each destination's bucket locks admit one waiter at a
        time, so the gate's queue holds at most one waiter per workspace.
        """
        started = self.monotonic()
        buckets = self._buckets_for(destination)
        gated = False
        try:
            async with AsyncExitStack() as held:
                for key, bucket in buckets:
                    await held.enter_async_context(self._lock(key))
                    await self._sleep_until(bucket.earliest(self.monotonic()))
                if gate is not None:
                    await gate.acquire(priority)
                    gated = True
                # Holding every lock, only a back-off can have moved a bucket meanwhile: settle, then take.
                while (at := max((b.earliest(self.monotonic()) for _, b in buckets), default=0.0)) > self.monotonic() + EPSILON:
                    await self._sleep_until(at)
                now = self.monotonic()
                for _, bucket in buckets:
                    bucket.take(now)
            yield self.monotonic() - started
        finally:
            if gated and gate is not None:
                gate.release()

    async def wait(self, destination: Destination) -> float:
        """Wait until every bucket of ``destination`` allows a send and take the tokens; return seconds waited."""
        async with self.slot(destination) as waited:
            return waited

    async def _sleep_until(self, at: float) -> None:
        delay = at - self.monotonic()
        if delay > EPSILON:
            await self.sleep(delay)

    def back_off(self, destination: Destination, seconds: float) -> None:
        """Honour a 429's Retry-After for the channel and workspace (not the whole platform)."""
        until = self.monotonic() + seconds
        for _, bucket in self._buckets_for(destination, include_overall=False):
            bucket.block_until(until)

    def forget_idle(self) -> int:
        """Drop buckets that are full again, so memory follows the active channels, not all of them."""
        now = self.monotonic()
        idle = [key for key, bucket in self._buckets.items() if bucket.idle(now) and not (key in self._locks and self._locks[key].locked())]
        for key in idle:
            del self._buckets[key]
            self._locks.pop(key, None)
        return len(idle)

"""Group commit of attempt marks: ``sending`` before each platform call, ``sent`` after it.

Every mark must be durable before the code that depends on it runs (a platform call waits for its
``sending`` mark), but marks requested in the same turn of the event loop can share one transaction:
with FULL sync that is one fsync for a burst of sends instead of two per post, and the loop is not
blocked once per post.
"""

from __future__ import annotations

import asyncio

from bot.clock import Clock
from bot.store.delivery_store import AttemptGate, DeliveryStore, Lease


class AttemptLog:
    def __init__(self, store: DeliveryStore, lease: Lease, clock: Clock, lease_clock: Clock | None = None) -> None:
        """``lease_clock`` is the real clock the lease is fenced on (``clock`` may be a simulated sweep instant)."""
        self.store = store
        self.lease = lease
        self.clock = clock
        self.lease_clock = lease_clock or clock
        self._starting: list[tuple[int, asyncio.Future[AttemptGate]]] = []
        self._sent: list[tuple[int, str, asyncio.Future[None]]] = []
        self._flush_scheduled = False

    async def start(self, row_id: int) -> AttemptGate:
        """Mark the row ``sending`` (fenced by the lease); the call may go ahead only on ``"ok"``."""
        future: asyncio.Future[AttemptGate] = asyncio.get_running_loop().create_future()
        self._starting.append((row_id, future))
        self._schedule()
        return await future

    async def sent(self, row_id: int, message_id: str) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sent.append((row_id, message_id, future))
        self._schedule()
        await future

    def _schedule(self) -> None:
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        starting, sent = self._starting, self._sent
        self._starting, self._sent, self._flush_scheduled = [], [], False
        futures: list[asyncio.Future[AttemptGate] | asyncio.Future[None]] = [f for _, f in starting] + [f for _, _, f in sent]
        try:
            gates = self.store.record_attempts(
                self.clock.now(), [r for r, _ in starting], [(r, m) for r, m, _ in sent], self.lease, lease_now=self.lease_clock.now(),
            )
        except BaseException as error:  # every waiter sees it, a simulated crash included
            for future in futures:
                if not future.done():
                    future.set_exception(error)
            return
        for row_id, start in starting:
            if not start.done():
                start.set_result(gates[row_id])
        for _, _, done in sent:
            if not done.done():
                done.set_result(None)

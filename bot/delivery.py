"""Daily delivery: one sweep finds what is due, plans it into the outbox and sends it, exactly once.

A sweep runs under a lease row so a second process never sends at the same time. It first resumes
the rows earlier sweeps left open (retries, and rows a crash left ``sending``), then plans due
subscriptions and recap/nudge timers batch by batch in a worker thread (each claim advances the
schedule and creates its outbox row in one transaction, before anything is sent), handing new rows
to the dispatcher as it goes, so the first posts leave while later ones are still being planned.
The schedule lives in our tables; the scheduler only calls ``sweep`` once a minute.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import secrets
import socket
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import suppress
from datetime import datetime, timedelta
from functools import partial

from bot.clock import Clock
from bot.delivery_config import DeliveryConfig
from bot.delivery_dispatch import Dispatcher
from bot.delivery_pacing import Monotonic, Pacer, Sleep
from bot.delivery_plan import Planner
from bot.delivery_report import NullObserver, PostOutcome, SweepObserver, SweepReport
from bot.deps import HasDeps
from bot.ports import Messenger, PlatformLimits, Rate
from bot.store.delivery_store import Claim, DeliveryStore, Lease, OutboxRow
from bot.store.repository import StoreUnavailable

log = logging.getLogger(__name__)

Offload = Callable[[Callable[[], list[OutboxRow] | None]], Awaitable[list[OutboxRow] | None]]
"""Runs blocking planning work off the event loop: a worker thread in production, inline in tests."""

LEASE_NAME = "delivery-sweep"
PAGE = 1000
PLANNING_RETRY = timedelta(hours=1)


async def to_thread(work: Callable[[], list[OutboxRow] | None]) -> list[OutboxRow] | None:
    return await asyncio.to_thread(work)


def pacing_limits(config: DeliveryConfig, messengers: Mapping[str, Messenger]) -> Mapping[str, PlatformLimits]:
    """The configured limits, or else the ones each platform's messenger states."""
    if config.limits is not None:
        chosen: Mapping[str, PlatformLimits] = config.limits
    else:
        found = {platform: getattr(messenger, "limits", None) for platform, messenger in messengers.items()}
        chosen = {platform: limits for platform, limits in found.items() if limits is not None}
    if config.sweepers <= 1:
        return chosen
    return {platform: _share_overall(limits, config.sweepers) for platform, limits in chosen.items()}


def _share_overall(limits: PlatformLimits, sweepers: int) -> PlatformLimits:
    """This process's share of a platform-wide limit when ``sweepers`` processes send at once."""
    if limits.overall is None:
        return limits
    overall = Rate(limits.overall.per_second / sweepers, max(1, limits.overall.burst // sweepers))
    return dataclasses.replace(limits, overall=overall)


def default_holder() -> str:
    """Unique per Delivery object: two sweepers in one process must not share a lease."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Delivery:
    def __init__(
        self,
        service: HasDeps,
        store: DeliveryStore,
        messengers: Mapping[str, Messenger],
        config: DeliveryConfig | None = None,
        *,
        observer: SweepObserver | None = None,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        holder: str | None = None,
        offload: Offload = to_thread,
        lease_clock: Clock | None = None,
    ) -> None:
        """``lease_clock`` times the sweep lease. It is the real clock even when ``service.deps.clock`` simulates
        another instant (``deliver-due --at``): a lease timed on a simulated future would outlive a crash by
        as long as the simulation was ahead, and block every real sweep until then."""
        self.service = service
        self.clock = service.deps.clock
        self.store = store
        self.messengers = dict(messengers)
        self.config = config or DeliveryConfig()
        self.observer: SweepObserver = observer or NullObserver()
        self.sleep = sleep
        self.offload = offload
        self.pacer = Pacer(pacing_limits(self.config, self.messengers), monotonic, sleep, self.config.headroom)
        self.planner = Planner(service.deps, store, self.config)
        self.lease = Lease(LEASE_NAME, holder or default_holder())
        self.partition: tuple[int, int] | None = None
        """The partition the running sweep works on (k, P), or None for the whole schedule."""
        self.lease_clock = lease_clock or self.clock
        self._renewed_at: datetime | None = None

    @property
    def platforms(self) -> list[str]:
        return sorted(self.messengers)

    def sweep_now(self) -> SweepReport:
        """Run one sweep on a fresh event loop (the CLI and tests; the scheduler keeps its own loop)."""
        return asyncio.run(self.sweep())

    async def sweep(self) -> SweepReport:
        """One sweep of everything due: the whole schedule under one lease, or (``config.partitions`` > 1) each
        partition whose lease is free, so several processes share the work. Each starts at a different
        partition (by holder) and skips the ones another sweeper holds; every workspace is in one partition,
        so its pacing stays with one sweeper at a time."""
        now = self.clock.now()
        report = SweepReport(at=now, holder=self.lease.holder)
        self.observer.sweep_started(now)
        count = max(1, self.config.partitions)
        clash = self._other_partitioning(count)
        if clash is not None:
            report.lease_busy = True
            report.errors.append(clash)
            log.error("%s", clash)
        elif count == 1:
            await self._sweep_partition(now, Lease(LEASE_NAME, self.lease.holder), None, report)
        else:
            first = zlib.crc32(self.lease.holder.encode()) % count
            busy = 0
            for step in range(count):
                index = (first + step) % count
                lease = Lease(f"{LEASE_NAME}:{index}/{count}", self.lease.holder)
                if not await self._sweep_partition(now, lease, (index, count), report):
                    busy += 1
            report.lease_busy = busy == count
        self.observer.sweep_finished(report)
        return report

    def _other_partitioning(self, count: int) -> str | None:
        """Why this sweep must not run: another process sweeps with a different AIPM_DELIVERY_PARTITIONS, so
        its leases fence other rows than ours and both could start the same post."""
        try:
            live = self.store.live_leases(LEASE_NAME, self.lease_clock.now())
        except StoreUnavailable:
            return None  # the sweep itself will say the database is unavailable
        ours = LEASE_NAME if count == 1 else f"/{count}"
        for name, holder, _ in live:
            theirs_ok = name == LEASE_NAME if count == 1 else (name != LEASE_NAME and name.endswith(ours))
            if not theirs_ok and holder != self.lease.holder:
                return (f"another sweeper ({holder}) holds {name}, so it runs with a different AIPM_DELIVERY_PARTITIONS "
                        f"than this one ({count}); set the same number on every process")
        return None

    async def _sweep_partition(self, now: datetime, lease: Lease, partition: tuple[int, int] | None, report: SweepReport) -> bool:
        """Sweep one partition (or everything) under ``lease``; False if another sweeper holds it."""
        self.lease, self.partition = lease, partition
        ttl = int(self.config.lease_ttl.total_seconds())
        try:
            acquired = self.store.acquire_lease(self.lease, self.lease_clock.now(), ttl)
        except StoreUnavailable as error:
            report.errors.append(f"the database is unavailable, so nothing was sent: {error}")
            return True
        if not acquired:
            report.lease_busy = True
            with suppress(StoreUnavailable):
                held = self.store.lease_info(self.lease.name)
                if held is not None:
                    report.lease_holder, report.lease_until = held
            log.info("another sweeper holds the delivery lease %s; skipping it", self.lease.name)
            return False
        self._renewed_at = self.lease_clock.now()
        dispatcher = Dispatcher(
            self.store, self.messengers, self.pacer, self.config, self.clock, self.lease, self._keep_lease,
            self.sleep, report, self.observer, self.lease_clock,
        )
        try:
            try:
                leftovers = list(self._open_rows(now))
                report.planned += len(leftovers)
                self.observer.planned(len(leftovers))
                await dispatcher.submit(leftovers)
                await self._plan(now, dispatcher, report)
            except Exception as error:  # what was planned is still sent; the rest waits for the next sweep
                log.exception("delivery planning stopped early")
                report.errors.append(f"planning stopped early: {type(error).__name__}: {error}")
            await dispatcher.drain()  # never leave sends running once the lease is released
            with suppress(StoreUnavailable):
                self.store.prune(now - self.config.keep_finished, PAGE)
            self.pacer.forget_idle()
        except BaseException:
            dispatcher.cancel()
            raise
        finally:
            with suppress(StoreUnavailable):
                self.store.release_lease(self.lease)
        return True

    def _keep_lease(self) -> bool:
        """Renew the lease when it is getting old; False once another sweeper has taken it."""
        now = self.lease_clock.now()
        if self._renewed_at is not None and now - self._renewed_at < self.config.lease_renew_every:
            return True
        held = self.store.renew_lease(self.lease, now, int(self.config.lease_ttl.total_seconds()))
        if held:
            self._renewed_at = now
        return held

    def _open_rows(self, now: datetime) -> Iterator[OutboxRow]:
        after: tuple[datetime, int] | None = None
        while page := self.store.open_outbox(now, self.platforms, after, PAGE, self.partition):
            yield from page
            after = (page[-1].next_attempt_at, page[-1].id)

    async def _plan(self, now: datetime, dispatcher: Dispatcher, report: SweepReport) -> None:
        """Plan due work batch by batch until none is left, feeding each batch's rows to the dispatcher.

        Batches are planned off the event loop (``offload``), so rendering and committing thousands of
        posts never stalls the sends already under way.
        """
        seen: set[tuple[str, int, datetime]] = set()
        while not dispatcher.lease_lost and self._keep_lease():
            created = await self.offload(partial(self._plan_batch, now, seen, report.errors))
            if created is None:
                return
            for row in created:
                if row.status == "skipped":
                    outcome = PostOutcome(row.key, row.kind, row.destination, "skipped", row.error or "")
                    report.outcomes.append(outcome)
                    self.observer.finished(outcome)
            report.planned += len(created)
            self.observer.planned(len(created))
            await dispatcher.submit(row for row in created if row.status == "pending")

    def _plan_batch(self, now: datetime, seen: set[tuple[str, int, datetime]], errors: list[str]) -> list[OutboxRow] | None:
        """One batch: due subscriptions and timers to claims, committed together; None when nothing is due."""
        batch = self.config.batch_size
        subscriptions = [s for s in self.store.due_subscriptions(now, self.platforms, batch, self.partition) if ("s", s.id or 0, s.next_due_at) not in seen]
        timers = [t for t in self.store.due_timers(now, self.platforms, batch, self.partition) if (t.kind, t.subscription_id, t.next_due_at) not in seen]
        if not subscriptions and not timers:
            return None
        claims: list[Claim] = []
        for sub in subscriptions:
            assert sub.id is not None
            assert sub.next_due_at is not None
            seen.add(("s", sub.id, sub.next_due_at))
            try:
                claims.append(self.planner.plan_subscription(sub, now))
            except Exception as error:  # one broken subscription must not stop the others
                log.exception("could not plan subscription %s", sub.id)
                errors.append(f"subscription {sub.id}: {type(error).__name__}: {error}")
                claims.append(Claim(sub.id, sub.next_due_at, now + PLANNING_RETRY))
        for timer in timers:
            seen.add((timer.kind, timer.subscription_id, timer.next_due_at))
            try:
                claims.append(self.planner.plan_timer(timer, now))
            except Exception as error:
                log.exception("could not plan the %s of subscription %s", timer.kind, timer.subscription_id)
                errors.append(f"{timer.kind} {timer.subscription_id}: {type(error).__name__}: {error}")
                claims.append(Claim(timer.subscription_id, timer.next_due_at, now + PLANNING_RETRY, timer=timer.kind, spec=timer.spec))
        return self.store.commit_claims(claims, now)

"""Fan-out: send outbox rows concurrently, paced per platform, with retries, exactly once where detectable.

Every platform call is preceded by a committed ``sending`` mark (fenced by the sweep lease), so after a
crash any row that might have reached the platform is in ``sending`` and is looked up with
``find_sent`` before it is sent again. A 429 proves the post did not go through, so it returns the row
to ``pending``; a 5xx or network error might hide a post that did, so the row stays ``sending``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

from bot import posts
from bot.clock import Clock
from bot.commands.syntax import Syntax
from bot.delivery_attempts import AttemptLog
from bot.delivery_audience import demoted_reason, needs_admin, still_admin, unknown_reason
from bot.delivery_codec import reply_from_json
from bot.delivery_config import DeliveryConfig
from bot.delivery_pacing import Pacer, PriorityGate, Sleep
from bot.delivery_report import OutcomeStatus, PostOutcome, SweepObserver, SweepReport
from bot.ports import DeliveryError, Destination, Messenger, PermanentDeliveryError, TransientDeliveryError
from bot.store.delivery_store import DeliveryStore, Lease, OutboxRow
from bot.store.repository import StoreUnavailable

log = logging.getLogger(__name__)

MAX_QUEUED = 20_000


def _workspace(destination: Destination) -> tuple[str, str]:
    return destination.platform, destination.workspace_id


class Dispatcher:
    """One sweep's sends. ``keep_lease`` renews the lease when due and says whether we still hold it."""

    def __init__(
        self,
        store: DeliveryStore,
        messengers: Mapping[str, Messenger],
        pacer: Pacer,
        config: DeliveryConfig,
        clock: Clock,
        lease: Lease,
        keep_lease: Callable[[], bool],
        sleep: Sleep,
        report: SweepReport,
        observer: SweepObserver,
        lease_clock: Clock | None = None,
    ) -> None:
        self.store = store
        self.messengers = messengers
        self.pacer = pacer
        self.config = config
        self.clock = clock
        self.lease = lease
        self.keep_lease = keep_lease
        self.sleep = sleep
        self.report = report
        self.observer = observer
        self.lease_lost = False
        self._gate = PriorityGate(config.max_concurrency)
        self._attempts_log = AttemptLog(store, lease, clock, lease_clock)
        self._backlog: Counter[tuple[str, str]] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self._switched_off: set[int] = set()

    async def submit(self, rows: Iterable[OutboxRow]) -> None:
        """Start sending ``rows``; the busiest workspaces' rows start first, since they set the finish time."""
        batch = list(rows)
        for row in batch:
            self._backlog[_workspace(row.destination)] += 1
        batch.sort(key=lambda r: -self._backlog[_workspace(r.destination)])
        for row in batch:
            while len(self._tasks) >= MAX_QUEUED:
                await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
            task = asyncio.create_task(self._deliver(row), name=f"deliver {row.key}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for every send. A crash or cancellation stops the rest: no send outlives its sweep's lease."""
        try:
            while self._tasks:
                await asyncio.gather(*list(self._tasks))
        except BaseException:
            self.cancel()
            raise

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()

    # one row ----------------------------------------------------------------------------------
    def _done(self, row: OutboxRow, status: OutcomeStatus, detail: str = "", message_id: str | None = None, attempts: int = 0) -> None:
        outcome = PostOutcome(row.key, row.kind, row.destination, status, detail, message_id, attempts)
        self.report.outcomes.append(outcome)
        self.observer.finished(outcome)

    def _slot(self, destination: Destination) -> AbstractAsyncContextManager[float]:
        """A paced slot for one platform call; the workspace with the most posts left goes first."""
        return self.pacer.slot(destination, self._gate, self._backlog[_workspace(destination)])

    async def _deliver(self, row: OutboxRow) -> None:
        try:
            await self._attempts(row)
        except StoreUnavailable as error:
            # A row marked ``sending`` stays so and is checked with find_sent next sweep: nothing repeats.
            log.warning("store unavailable while delivering %s: %s", row.key, error)
            self._done(row, "retrying", f"database busy: {error}")
        except Exception as error:  # a messenger broke its contract; keep the other sends going
            log.exception("unexpected error delivering %s", row.key)
            self._done(row, "retrying", f"unexpected {type(error).__name__}: {error}")
        finally:
            self._backlog[_workspace(row.destination)] -= 1

    async def _attempts(self, row: OutboxRow) -> None:
        messenger = self.messengers[row.destination.platform]
        maybe_posted = row.status == "sending"
        attempt = 0  # platform sends
        failures = 0  # transient failures of a send or a find_sent: the retry budget
        cleared = not needs_admin(row.kind)  # an admin-only post leaves only once its recipient is still an admin
        while True:
            if self.lease_lost:
                self._done(row, "deferred", "another sweeper took over", attempts=attempt)
                return
            if row.subscription_id in self._switched_off:
                self._done(row, "failed", "subscription switched off", attempts=attempt)
                return
            if self.clock.now() - row.due_at > self.config.grace:
                reason = f"not sent within the {self.config.grace} grace window"
                self.store.mark_skipped(row.id, reason, self.clock.now())
                log.info("skipped %s: %s", row.key, reason)
                self._done(row, "skipped", reason, attempts=attempt)
                return
            try:
                if maybe_posted:
                    found = await self._find_sent(messenger, row)
                    if found is not None:
                        await self._attempts_log.sent(row.id, found)
                        self._done(row, "recovered", "already posted before a restart; not sent again", found, attempt)
                        return
                    maybe_posted = False
                if row.payload is None:
                    self.store.mark_skipped(row.id, "nothing to send (no payload)", self.clock.now())
                    self._done(row, "skipped", "no payload")
                    return
                if not cleared:
                    verdict = await self._still_admin(messenger, row)
                    if verdict is not True:
                        self._withhold(row, verdict, attempt)
                        return
                    cleared = True
                async with self._slot(row.destination):
                    if not await self._may_send(row, attempt):
                        return
                    attempt += 1
                    message_id = await messenger.send(row.destination, reply_from_json(row.payload), row.key)
            except TransientDeliveryError as error:
                failures += 1
                maybe_posted = maybe_posted or error.retry_after is None
                if await self._retry_later(row, error, failures, attempt, maybe_posted):
                    continue
                return
            except PermanentDeliveryError as error:
                await self._switch_off(row, str(error), attempt)
                return
            await self._attempts_log.sent(row.id, message_id)
            self._done(row, "sent", message_id=message_id, attempts=attempt)
            return

    async def _may_send(self, row: OutboxRow, attempt: int) -> bool:
        """Commit the ``sending`` mark; False (with the outcome recorded) when the call must not go ahead."""
        if not self.keep_lease():
            self.lease_lost = True
        gate = "lease_lost" if self.lease_lost else await self._attempts_log.start(row.id)
        if gate == "ok":
            return True
        if gate == "lease_lost":
            self.lease_lost = True
            self._done(row, "deferred", "another sweeper took over", attempts=attempt)
        elif gate == "inactive":
            self.store.mark_skipped(row.id, "unsubscribed before it was sent", self.clock.now())
            self._done(row, "skipped", "unsubscribed before it was sent", attempts=attempt)
        return False

    async def _still_admin(self, messenger: Messenger, row: OutboxRow) -> bool | None:
        """One platform call, so it holds a place among the calls in flight (the posting limits do not apply)."""
        await self._gate.acquire(self._backlog[_workspace(row.destination)])
        try:
            return await still_admin(messenger, row.destination)
        finally:
            self._gate.release()

    def _withhold(self, row: OutboxRow, verdict: bool | None, attempt: int) -> None:
        """Not sent: the recipient is no longer an admin (switch the subscription off, so no sweep asks again),
        or the platform could not say (the row and the subscription stay, and a later sweep asks again)."""
        now = self.clock.now()
        if verdict is None:
            retry_at = now + self.config.admin_check_retry
            reason = unknown_reason(row.destination)
            self.store.mark_retry(row.id, "pending", retry_at, reason)
            self._done(row, "retrying", f"{reason} (next try after {retry_at:%H:%M:%S} UTC)", attempts=attempt)
            return
        reason = demoted_reason(row.destination)
        self.store.fail_subscription(row.id, row.subscription_id, reason, now)
        self._switched_off.add(row.subscription_id)
        log.warning("switched off subscription %s before %s: %s", row.subscription_id, row.key, reason)
        self._done(row, "failed", reason, attempts=attempt)

    async def _find_sent(self, messenger: Messenger, row: OutboxRow) -> str | None:
        async with self._slot(row.destination):
            return await messenger.find_sent(row.destination, row.key, row.created_at - self.config.find_sent_slack)

    async def _retry_later(self, row: OutboxRow, error: TransientDeliveryError, failures: int, attempt: int, maybe_posted: bool) -> bool:
        """Record the failure; sleep and return True to try again in this sweep, or False to leave it.

        ``maybe_posted`` keeps the row in ``sending`` so the next try asks ``find_sent`` first.
        """
        if error.retry_after is not None:
            self.pacer.back_off(row.destination, error.retry_after)
            delay = error.retry_after
        else:
            delay = min(self.config.backoff_cap, self.config.backoff_base * 2 ** (failures - 1))
        if error.outcome_unknown:
            delay = max(delay, self.config.unknown_outcome_patience.total_seconds())
        retry_at = self.clock.now() + timedelta(seconds=delay)
        self.store.mark_retry(row.id, "sending" if maybe_posted else "pending", retry_at, str(error) or type(error).__name__)
        if failures >= self.config.max_attempts or delay > max(self.config.backoff_cap, self.config.unknown_outcome_patience.total_seconds()):
            log.warning("leaving %s for the next sweep after %d failures: %s", row.key, failures, error)
            self._done(row, "retrying", f"{error} (next try after {retry_at:%H:%M:%S} UTC)", attempts=attempt)
            return False
        await self.sleep(delay)
        return True

    async def _switch_off(self, row: OutboxRow, error: str, attempt: int) -> None:
        """A permanent refusal: stop the subscription (no retry storm) and tell whoever set it up."""
        now = self.clock.now()
        self.store.fail_subscription(row.id, row.subscription_id, error, now)
        self._switched_off.add(row.subscription_id)
        log.warning("switched off subscription %s after a permanent error on %s: %s", row.subscription_id, row.key, error)
        self._done(row, "failed", error, attempts=attempt)
        sub = self.store.subscription(row.subscription_id)
        if sub is None:
            return
        notice = posts.admin_notice(sub.channel_id, sub.kind, error, Syntax(sub.platform))
        delivered = False
        admin = sub.created_by
        if admin and not (sub.kind in ("dm", "report") and sub.user_id == admin):
            where = Destination(sub.workspace_id, sub.platform, f"dm:{admin}", "dm", admin)
            try:
                async with self._slot(where):
                    await self.messengers[sub.platform].send(where, notice, f"notice:{sub.id}:{row.local_date:%Y%m%d}")
                delivered = True
            except DeliveryError as notice_error:
                log.warning("could not tell %s that subscription %s stopped: %s", admin, sub.id, notice_error)
        self.store.record_notice(sub, notice.text, now, delivered)

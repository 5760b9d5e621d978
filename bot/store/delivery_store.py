"""The storage interface of scheduled delivery: the outbox, recap and nudge timers, and the sweep lease.

It is separate from Repository because it is used by one caller (the sweep) and its writes are shaped
for exactly-once: a claim advances a schedule and creates the outbox rows for it in one transaction,
so a crash can never leave a post planned-but-forgotten or sent-but-unplanned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from bot.ports import Destination
from bot.store.records import QuizInstance, Subscription

PostKind = Literal["daily", "recap", "nudge", "report"]
OutboxStatus = Literal["pending", "sending", "sent", "skipped", "failed"]
AttemptGate = Literal["ok", "lease_lost", "inactive", "closed"]

OPEN_STATUSES: tuple[OutboxStatus, ...] = ("pending", "sending")


@dataclass(frozen=True)
class OutboxDraft:
    """A row to create: ``pending`` with its rendered payload, or ``skipped`` with the reason in ``note``."""

    key: str
    kind: PostKind
    subscription_id: int
    destination: Destination
    local_date: date
    due_at: datetime
    status: OutboxStatus
    payload: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class OutboxRow:
    """A stored outbox row.

    ``pending`` was never handed to the platform; ``sending`` may have been (an attempt started and its
    outcome is unknown), so it is looked up with ``find_sent`` before it is sent again.
    """

    id: int
    key: str
    kind: PostKind
    subscription_id: int
    destination: Destination
    local_date: date
    due_at: datetime
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    payload: str | None = None
    message_id: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class TimerSeed:
    """Make sure a recap or nudge timer exists for a subscription; reset it only if its schedule changed."""

    kind: PostKind
    spec: str
    next_due_at: datetime


@dataclass(frozen=True)
class DueTimer:
    subscription_id: int
    kind: PostKind
    spec: str
    next_due_at: datetime
    subscription: Subscription | None  # None: the subscription was deleted (forget-me)


@dataclass(frozen=True)
class TipView:
    workspace_id: str
    user_id: str
    tip_id: str


@dataclass(frozen=True)
class Claim:
    """Advance one schedule from ``expected_due`` to ``next_due`` and create its outbox rows, atomically.

    ``timer`` None means the subscription's own ``next_due_at``; otherwise the named timer (deleted when
    ``next_due`` is None). The side effects of the post (quiz instance, tip view, path day) apply only
    when its pending row is new, so a claim replayed for a date already planned changes nothing else.
    """

    subscription_id: int
    expected_due: datetime
    next_due: datetime | None
    timer: PostKind | None = None
    spec: str = ""
    drafts: tuple[OutboxDraft, ...] = ()
    quiz_instance: QuizInstance | None = None
    tip_view: TipView | None = None
    path_day: int | None = None
    seeds: tuple[TimerSeed, ...] = ()


@dataclass(frozen=True)
class Lease:
    name: str
    holder: str


class DeliveryStore(Protocol):
    # the lease: one sweeper at a time
    def acquire_lease(self, lease: Lease, now: datetime, ttl_seconds: int) -> bool: ...
    def renew_lease(self, lease: Lease, now: datetime, ttl_seconds: int) -> bool: ...
    def release_lease(self, lease: Lease) -> None: ...
    def live_leases(self, prefix: str, now: datetime) -> list[tuple[str, str, datetime]]:
        """(name, holder, expires) of every unexpired lease whose name starts with ``prefix``."""
        ...

    # planning
    def due_subscriptions(
        self, now: datetime, platforms: Sequence[str], limit: int, partition: tuple[int, int] | None = None,
    ) -> list[Subscription]:
        """Active subscriptions due by ``now``, soonest first; ``partition`` (k, P) keeps only the workspaces of
        sweep partition k of P (every workspace is in exactly one)."""
        ...
    def due_timers(self, now: datetime, platforms: Sequence[str], limit: int, partition: tuple[int, int] | None = None) -> list[DueTimer]: ...
    def commit_claims(self, claims: Sequence[Claim], now: datetime) -> list[OutboxRow]: ...

    # sending
    def open_outbox(
        self, now: datetime, platforms: Sequence[str], after: tuple[datetime, int] | None, limit: int,
        partition: tuple[int, int] | None = None,
    ) -> list[OutboxRow]: ...
    def lease_info(self, name: str) -> tuple[str, datetime] | None:
        """Who holds the lease ``name`` and until when, or None when nobody does."""
        ...
    def clear_expired_leases(self, now: datetime) -> list[tuple[str, str, datetime]]:
        """Delete leases that expired before ``now``; returns (name, holder, expired_at) of each."""
        ...
    def record_attempts(
        self, now: datetime, starting: Sequence[int] = (), sent: Sequence[tuple[int, str]] = (), lease: Lease | None = None,
        lease_now: datetime | None = None,
    ) -> dict[int, AttemptGate]: ...
    def mark_retry(self, row_id: int, status: OutboxStatus, next_attempt_at: datetime, error: str) -> None: ...
    def mark_skipped(self, row_id: int, reason: str, now: datetime) -> None: ...
    def fail_subscription(self, row_id: int, subscription_id: int, error: str, now: datetime) -> int: ...
    def record_notice(self, subscription: Subscription, text: str, now: datetime, delivered: bool) -> None: ...

    # reading
    def subscription(self, subscription_id: int) -> Subscription | None: ...
    def channel_answers(self, workspace_id: str, channel_id: str, since: datetime, until: datetime) -> list[tuple[datetime, bool]]: ...
    def prune(self, before: datetime, limit: int) -> int: ...

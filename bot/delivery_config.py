"""Delivery's knobs in one place, with the defaults the README documents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.ports import PlatformLimits


@dataclass(frozen=True)
class DeliveryConfig:
    grace: timedelta = timedelta(hours=3)
    """A post still this late after its due instant is caught up; later than that it is skipped."""

    nudge_time: str = "19:00"
    nudge_min_streak: int = 3
    recap_weekday: int = 0  # Monday
    recap_chart: bool = True

    batch_size: int = 200
    """Due subscriptions planned per transaction (short, so sends' own writes rarely wait for one)."""
    max_concurrency: int = 64
    """Platform calls in flight at once; waiting for a rate-limit slot does not hold one."""
    max_attempts: int = 4
    """Attempts per post within one sweep; after that it waits for the next sweep."""
    backoff_base: float = 1.0
    backoff_cap: float = 60.0

    lease_ttl: timedelta = timedelta(minutes=5)
    lease_renew_every: timedelta = timedelta(minutes=1)
    unknown_outcome_patience: timedelta = timedelta(seconds=45)
    """After a send whose outcome is unknown (a timeout, a dropped connection), wait this long before looking
    for it with ``find_sent``: a slow original may still land, and a look too early would post it twice."""
    find_sent_slack: timedelta = timedelta(minutes=5)
    """How far before a row's creation ``find_sent`` looks, for clock skew between us and the platform."""
    admin_check_retry: timedelta = timedelta(minutes=5)
    """When the platform cannot say whether a team report's recipient is still an admin, ask again this much later
    (on a later sweep) instead of sending it unchecked or switching it off."""
    missed_rows: int = 7
    """At most this many skipped rows are recorded per subscription after a long outage."""
    keep_finished: timedelta = timedelta(days=60)

    partitions: int = 1
    """Sweep partitions. 1: one sweeper at a time does everything (one lease). P > 1: every sweeper works
    through the P partitions whose leases are free, so P processes can share a large fan-out. Every
    process on one database must use the same number."""
    sweepers: int = 1
    """How many processes sweep at once: each paces its platform-wide (``overall``) limits at 1/sweepers of
    the platform's rate, so together they stay under it. Channel and workspace limits need no split: a
    workspace is in one partition, swept by one process at a time."""

    limits: Mapping[str, PlatformLimits] | None = None
    """Pacing per platform; None paces each platform by its messenger's own ``limits`` ({} paces nothing)."""
    headroom: float = 0.97
    """Pace at this share of each platform limit, so clock jitter rarely turns into a 429."""

"""What a sweep did, post by post, and the observers that show it while it runs.

The CLI prints the report as a table; a terminal gets a progress bar (app/deliver_cli.py) and
everything else gets structured log events (one JSON object per line through the app's log setup).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from bot.ports import Destination

OutcomeStatus = Literal["sent", "recovered", "skipped", "failed", "retrying", "deferred"]
OUTCOME_ORDER: tuple[OutcomeStatus, ...] = ("sent", "recovered", "skipped", "failed", "retrying", "deferred")


@dataclass(frozen=True)
class PostOutcome:
    """How one outbox row ended this sweep.

    ``recovered``: found already posted by ``find_sent`` after a crash, so not sent again.
    ``retrying``: a transient error outlasted this sweep's attempts; the next sweep tries again.
    ``deferred``: this sweeper lost its lease, so it stopped before sending.
    """

    key: str
    kind: str
    destination: Destination
    status: OutcomeStatus
    detail: str = ""
    message_id: str | None = None
    attempts: int = 0


@dataclass
class SweepReport:
    at: datetime
    holder: str
    lease_busy: bool = False
    lease_holder: str | None = None
    """When ``lease_busy``: who holds the lease, and until when (UTC)."""
    lease_until: datetime | None = None
    planned: int = 0
    outcomes: list[PostOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(o.status for o in self.outcomes)
        return {status: tally.get(status, 0) for status in OUTCOME_ORDER}

    def keys(self, status: OutcomeStatus) -> list[str]:
        return [o.key for o in self.outcomes if o.status == status]


class SweepObserver(Protocol):
    def sweep_started(self, at: datetime) -> None: ...
    def planned(self, count: int) -> None: ...
    def finished(self, outcome: PostOutcome) -> None: ...
    def sweep_finished(self, report: SweepReport) -> None: ...


class NullObserver:
    def sweep_started(self, at: datetime) -> None:
        pass

    def planned(self, count: int) -> None:
        pass

    def finished(self, outcome: PostOutcome) -> None:
        pass

    def sweep_finished(self, report: SweepReport) -> None:
        pass


class LogObserver:
    """Sweep events through ``logging`` with their fields as extras.

    The app's log setup renders each as one JSON object per line off a terminal (and as a readable
    line on one), so log shippers get structured events without a second output channel.
    """

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.log = logger or logging.getLogger("aipm.delivery.events")

    def sweep_started(self, at: datetime) -> None:
        self.log.info("delivery sweep as of %s", at.isoformat(), extra={"event": "sweep_started", "at": at.isoformat()})

    def planned(self, count: int) -> None:
        if count:
            self.log.info("%d posts queued", count, extra={"event": "planned", "posts": count})

    def finished(self, outcome: PostOutcome) -> None:
        d = outcome.destination
        where = f"@{d.user_id}" if d.kind == "dm" else f"#{d.channel_id}"
        self.log.info(
            "%s %s to %s %s%s", outcome.key, outcome.status, d.platform, where, f": {outcome.detail}" if outcome.detail else "",
            extra={
                "event": "post", "key": outcome.key, "kind": outcome.kind, "status": outcome.status, "platform": d.platform,
                "workspace": d.workspace_id, "channel": d.channel_id, "attempts": outcome.attempts, "message_id": outcome.message_id,
                "detail": outcome.detail or None,
            },
        )

    def sweep_finished(self, report: SweepReport) -> None:
        counts = report.counts
        self.log.info(
            "delivery sweep done: %s", ", ".join(f"{n} {status}" for status, n in counts.items() if n) or "nothing due",
            extra={"event": "sweep_finished", "at": report.at.isoformat(), "lease_busy": report.lease_busy, **counts, "errors": len(report.errors)},
        )

"""Streak rules as pure functions over dated activity, so a streak is right whenever it is read.

A day counts when the learner answered at least one quiz in their own local calendar day. A missed
day breaks the streak unless a freeze is held: one is earned for every 7 active days in a row of the
current streak, at most 2 are held, and one is spent automatically on each missed day. Days that a
time-zone change skipped over (flying east past midnight) are excused: they neither count nor break.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

FREEZE_EVERY_DAYS = 7
MAX_FREEZES = 2


@dataclass(frozen=True)
class StreakState:
    current: int
    best: int
    freezes: int
    active_today: bool
    last_active: date | None
    frozen_days: tuple[date, ...] = field(default=())

    @property
    def at_risk(self) -> bool:
        """True when the streak breaks tonight unless the learner acts (no freeze to absorb it)."""
        return self.current > 0 and not self.active_today and self.freezes == 0


def compute_streak(active_days: Iterable[date], today: date, excused_days: Iterable[date] = ()) -> StreakState:
    """Replay the learner's history day by day up to ``today``.

    ``today`` itself is never counted as missed: the learner still has until local midnight.
    """
    active = {d for d in active_days if d <= today}
    excused = set(excused_days) - active
    if not active:
        return StreakState(0, 0, 0, False, None)
    day = min(active)
    current = best = freezes = 0
    run_active = 0
    frozen: list[date] = []
    while day <= today:
        if day in active:
            current += 1
            run_active += 1
            if run_active % FREEZE_EVERY_DAYS == 0:
                freezes = min(MAX_FREEZES, freezes + 1)
            best = max(best, current)
        elif day in excused or day == today:
            pass
        elif current > 0 and freezes > 0:
            freezes -= 1
            frozen.append(day)
        else:
            current = 0
            run_active = 0
            freezes = 0
        day += timedelta(days=1)
    return StreakState(
        current=current,
        best=best,
        freezes=freezes,
        active_today=today in active,
        last_active=max(active),
        frozen_days=tuple(frozen),
    )


def local_date(instant: datetime, tz: str) -> date:
    """The calendar date a learner sees at ``instant`` in their time zone."""
    return instant.astimezone(ZoneInfo(tz)).date()


def excused_by_tz_change(changed_at: datetime, old_tz: str, new_tz: str) -> list[date]:
    """Dates that a time-zone change jumped over, which the learner never had a chance to use."""
    before = local_date(changed_at, old_tz)
    after = local_date(changed_at, new_tz)
    return [before + timedelta(days=i) for i in range(1, (after - before).days)]

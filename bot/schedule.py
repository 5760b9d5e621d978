"""When a daily post is next due: local wall-clock times turned into UTC instants, DST-correct.

A time that does not exist on a spring-forward day (02:30 when clocks jump from 02:00 to 03:00) is
taken with the offset in force before the jump, so it still posts once, an hour later on the wall
clock; an ambiguous time on a fall-back day takes its first occurrence, so it posts once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.commands import DAY_NAMES


def parse_days_field(days: str) -> tuple[int, ...]:
    return tuple(sorted({int(d) for d in days.split(",") if d.strip() != ""}))


def format_days_field(days: Iterable[int]) -> str:
    return ",".join(str(d) for d in sorted(set(days)))


def describe_days(days: Iterable[int]) -> str:
    chosen = tuple(sorted(set(days)))
    if chosen == (0, 1, 2, 3, 4):
        return "weekdays"
    if chosen == tuple(range(7)):
        return "every day"
    return ", ".join(DAY_NAMES[d].capitalize() for d in chosen)


def local_instant(day: datetime | object, hhmm: str, tz: str) -> datetime:
    """The UTC instant of wall-clock ``hhmm`` on local date ``day`` in ``tz`` (fold=0)."""
    hours, minutes = (int(p) for p in hhmm.split(":"))
    wall = datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo(tz))  # type: ignore[arg-type]
    # Round-trip through UTC normalises a non-existent wall time with the pre-transition offset.
    return wall.astimezone(UTC)


def next_occurrence(hhmm: str, tz: str, days: Iterable[int], after: datetime) -> datetime:
    """The first instant strictly after ``after`` at local ``hhmm`` on one of ``days`` (0 = Monday)."""
    allowed = set(days)
    if not allowed:
        raise ValueError("a schedule needs at least one day")
    zone = ZoneInfo(tz)
    start = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(9):
        day = start + timedelta(days=offset)
        if day.weekday() not in allowed:
            continue
        candidate = local_instant(day, hhmm, tz)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a weekly schedule always has an occurrence within 8 days")

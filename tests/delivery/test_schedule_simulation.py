"""Weeks of simulated time across time zones, DST transitions and half-hour offsets: every post exactly once.

The clock jumps to each due instant (read from the tables), probes every six hours, and sweeps
minute by minute through each transition night, so a post that went early, late, twice or never shows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import parse_days_field
from bot.store.drivers.sql.database import from_ts
from bot.store.records import Subscription
from tests.delivery.conftest import World
from tests.delivery.fakes import Post

CHANNELS = {
    "C-ny-0230": "02:30 America/New_York daily",  # does not exist on 2026-03-08
    "C-ny-0130": "01:30 America/New_York daily",  # happens twice on 2026-11-01
    "C-ny-0900": "09:00 America/New_York weekdays",
    "C-lon-0130": "01:30 Europe/London daily",  # missing on 2026-03-29, twice on 2026-10-25
    "C-lon-0900": "09:00 Europe/London weekdays",
    "C-kol": "09:00 Asia/Kolkata weekdays",  # UTC+05:30
    "C-adl-0230": "02:30 Australia/Adelaide daily",  # UTC+09:30/+10:30; twice on 2026-04-05, missing on 2026-10-04
    "C-adl-0830": "08:30 Australia/Adelaide mon,wed,fri",
    "C-utc": "00:00 UTC daily",
}

# Local date -> the one UTC instant the post must go out at, where wall clocks jump or repeat.
EXACT = {
    ("C-ny-0230", date(2026, 3, 8)): datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # 03:30 EDT, an hour after the gap
    ("C-ny-0130", date(2026, 11, 1)): datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # the first 01:30 (EDT)
    ("C-lon-0130", date(2026, 3, 29)): datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 02:30 BST
    ("C-lon-0130", date(2026, 10, 25)): datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the first 01:30 (BST)
    ("C-adl-0230", date(2026, 4, 5)): datetime(2026, 4, 4, 16, 0, tzinfo=UTC),  # the first 02:30 (ACDT)
    ("C-adl-0230", date(2026, 10, 4)): datetime(2026, 10, 3, 17, 0, tzinfo=UTC),  # 03:30 ACDT
    ("C-kol", date(2026, 3, 9)): datetime(2026, 3, 9, 3, 30, tzinfo=UTC),
}
GAP_DAYS = {("C-ny-0230", date(2026, 3, 8)), ("C-lon-0130", date(2026, 3, 29)), ("C-adl-0230", date(2026, 10, 4))}

WINDOWS = {
    "spring": (datetime(2026, 2, 23, tzinfo=UTC), datetime(2026, 4, 13, tzinfo=UTC)),
    "autumn": (datetime(2026, 9, 28, tzinfo=UTC), datetime(2026, 11, 9, tzinfo=UTC)),
}
NIGHTS = [  # swept minute by minute
    (datetime(2026, 3, 8, 5, tzinfo=UTC), datetime(2026, 3, 8, 9, tzinfo=UTC)),
    (datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 3, tzinfo=UTC)),
    (datetime(2026, 4, 4, 15, tzinfo=UTC), datetime(2026, 4, 4, 17, tzinfo=UTC)),
    (datetime(2026, 10, 3, 16, tzinfo=UTC), datetime(2026, 10, 3, 18, tzinfo=UTC)),
    (datetime(2026, 10, 25, 0, tzinfo=UTC), datetime(2026, 10, 25, 2, tzinfo=UTC)),
    (datetime(2026, 11, 1, 4, tzinfo=UTC), datetime(2026, 11, 1, 8, tzinfo=UTC)),
]


def _next_due(world: World) -> datetime:
    row = world.repo.db.query(
        """SELECT MIN(due) AS due FROM (
             SELECT MIN(next_due_at) AS due FROM subscriptions WHERE active = 1
             UNION ALL SELECT MIN(next_due_at) FROM delivery_timers) AS due_times"""
    )[0]
    return from_ts(row["due"])


def _next_stop(world: World, now: datetime) -> datetime:
    probe = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=6 - now.hour % 6)
    candidates = [_next_due(world), probe]
    for start, end in NIGHTS:
        if start <= now < end:
            candidates.append(now + timedelta(minutes=1))
        elif now < start:
            candidates.append(start)
    return min(candidates)


def _simulate(world: World, start: datetime, end: datetime) -> int:
    sweeps = 0
    now = start
    while now < end:
        world.at(now).sweep()
        sweeps += 1
        now = _next_stop(world, now)
    return sweeps


def _check_daily(sub: Subscription, posts: list[Post], start: datetime, end: datetime) -> None:
    zone = ZoneInfo(sub.tz)
    days = set(parse_days_field(sub.days))
    by_date: dict[date, list[Post]] = defaultdict(list)
    for post in posts:
        local = post.at.astimezone(zone)
        by_date[local.date()].append(post)
        assert post.key.endswith(local.date().strftime("%Y%m%d")), (post.key, local)
        if (sub.channel_id, local.date()) in GAP_DAYS:
            assert (local - timedelta(hours=1)).strftime("%H:%M") == sub.local_time, (sub.channel_id, local)
        else:
            assert local.strftime("%H:%M") == sub.local_time, (sub.channel_id, local)
    first, last = (start.astimezone(zone) + timedelta(days=1)).date(), (end.astimezone(zone) - timedelta(days=1)).date()
    expected = {first + timedelta(days=i) for i in range((last - first).days + 1) if (first + timedelta(days=i)).weekday() in days}
    inside = {d for d in by_date if first <= d <= last}
    assert inside == expected, (sub.channel_id, sorted(expected ^ inside))
    assert all(d.weekday() in days for d in by_date), sub.channel_id
    assert all(len(p) == 1 for p in by_date.values()), sub.channel_id
    for (channel, day), instant in EXACT.items():
        if channel == sub.channel_id and day in by_date:
            assert by_date[day][0].at == instant, (channel, day, by_date[day][0].at)


@pytest.mark.parametrize("window", sorted(WINDOWS))
def test_weeks_of_posts_across_zones_go_out_exactly_once(world: World, window: str) -> None:
    start, end = WINDOWS[window]
    world.at(start)
    subs = {channel: world.subscribe_channel(channel, args) for channel, args in CHANNELS.items()}

    sweeps = _simulate(world, start, end)

    assert sweeps > 500
    assert Counter(world.messenger.counts().values()) == Counter({1: len(world.messenger.posts)})
    exact_checked = 0
    for channel, sub in subs.items():
        posts = world.messenger.posts_to(channel)
        daily = [p for p in posts if p.key.startswith("daily:")]
        _check_daily(sub, daily, start, end)
        exact_checked += sum(1 for (c, d) in EXACT if c == channel and any(p.key.endswith(f"{d:%Y%m%d}") for p in daily))
        recaps = [p for p in posts if p.key.startswith("recap:")]
        zone = ZoneInfo(sub.tz)
        first_post = min(p.at for p in daily)
        mondays = {
            (start + timedelta(days=i)).astimezone(zone).date() for i in range((end - start).days)
        }
        expected_recaps = {d for d in mondays if d.weekday() == 0 and d > first_post.astimezone(zone).date()}
        recap_days = {p.at.astimezone(zone).date() for p in recaps}
        assert len(recaps) == len(recap_days), channel
        assert {d for d in recap_days if d < max(mondays)} == {d for d in expected_recaps if d < max(mondays)}, channel
    assert exact_checked >= 3
    assert all(row["status"] == "sent" for row in world.outbox())

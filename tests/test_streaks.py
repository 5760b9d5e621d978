"""Streak rules: examples at exact dates, then properties over random activity histories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.streaks import (
    FREEZE_EVERY_DAYS,
    MAX_FREEZES,
    compute_streak,
    excused_by_tz_change,
    local_date,
)

D0 = date(2026, 1, 1)


def days(*offsets: int) -> list[date]:
    return [D0 + timedelta(days=o) for o in offsets]


def test_no_activity_means_no_streak() -> None:
    state = compute_streak([], D0)
    assert (state.current, state.best, state.freezes, state.active_today) == (0, 0, 0, False)


def test_consecutive_days_count() -> None:
    state = compute_streak(days(0, 1, 2), D0 + timedelta(days=2))
    assert (state.current, state.best, state.active_today) == (3, 3, True)


def test_today_not_yet_active_keeps_the_streak_alive() -> None:
    state = compute_streak(days(0, 1, 2), D0 + timedelta(days=3))
    assert state.current == 3
    assert not state.active_today
    assert state.at_risk


def test_missed_day_without_freeze_breaks_it() -> None:
    state = compute_streak(days(0, 1, 2, 4), D0 + timedelta(days=4))
    assert (state.current, state.best) == (1, 3)


def test_read_later_is_still_right() -> None:
    """A streak is derived when read: two missed days later it is broken without the learner acting."""
    assert compute_streak(days(0, 1, 2), D0 + timedelta(days=5)).current == 0


def test_seven_days_earn_a_freeze_that_covers_one_missed_day() -> None:
    history = days(*range(7), 8)
    state = compute_streak(history, D0 + timedelta(days=8))
    assert state.current == 8
    assert state.freezes == 0
    assert state.frozen_days == (D0 + timedelta(days=7),)


def test_freezes_cap_at_two() -> None:
    state = compute_streak(days(*range(28)), D0 + timedelta(days=27))
    assert state.freezes == MAX_FREEZES


def test_two_freezes_cover_two_missed_days_but_not_three() -> None:
    history = days(*range(14))
    assert compute_streak([*history, *days(16)], D0 + timedelta(days=16)).current == 15
    assert compute_streak([*history, *days(17)], D0 + timedelta(days=17)).current == 1


def test_excused_days_neither_count_nor_break() -> None:
    state = compute_streak(days(0, 1, 3), D0 + timedelta(days=3), excused_days=days(2))
    assert state.current == 3


def test_tz_change_eastward_excuses_the_skipped_date() -> None:
    # 23:30 on Jan 5 in Pago Pago (UTC-11) is 00:30 on Jan 7 in Kiritimati (UTC+14): Jan 6 never happened.
    changed_at = datetime(2026, 1, 6, 10, 30, tzinfo=UTC)
    assert local_date(changed_at, "Pacific/Pago_Pago") == date(2026, 1, 5)
    assert local_date(changed_at, "Pacific/Kiritimati") == date(2026, 1, 7)
    assert excused_by_tz_change(changed_at, "Pacific/Pago_Pago", "Pacific/Kiritimati") == [date(2026, 1, 6)]
    assert excused_by_tz_change(changed_at, "Pacific/Kiritimati", "Pacific/Pago_Pago") == []


def test_local_date_follows_dst() -> None:
    # 04:30 UTC on the US spring-forward day is 23:30 the previous evening in New York (EST).
    assert local_date(datetime(2026, 3, 8, 4, 30, tzinfo=UTC), "America/New_York") == date(2026, 3, 7)
    # 04:30 UTC a day later is 00:30 EDT: the new day has begun under the new offset.
    assert local_date(datetime(2026, 3, 9, 4, 30, tzinfo=UTC), "America/New_York") == date(2026, 3, 9)


histories = st.sets(st.integers(min_value=0, max_value=120), max_size=90).map(lambda s: sorted(s))


def longest_run(offsets: list[int]) -> int:
    best = run = 0
    previous = None
    for offset in offsets:
        run = run + 1 if previous is not None and offset == previous + 1 else 1
        best = max(best, run)
        previous = offset
    return best


@settings(max_examples=300, deadline=None)
@given(histories, st.integers(min_value=0, max_value=130))
def test_properties_hold_for_any_history(offsets: list[int], today_offset: int) -> None:
    today = D0 + timedelta(days=today_offset)
    visible = [o for o in offsets if o <= today_offset]
    state = compute_streak(days(*offsets), today)
    assert 0 <= state.freezes <= MAX_FREEZES
    assert state.current <= state.best
    assert state.best >= longest_run(visible)
    assert state.best <= len(visible)
    assert state.active_today == (today_offset in visible)
    if visible and today_offset in visible and today_offset - 1 in visible:
        assert state.current >= 2
    if not visible:
        assert state.current == 0
    if state.current > 0:
        # The streak never runs through more missed days than freezes could ever have covered.
        assert len(state.frozen_days) <= state.current // FREEZE_EVERY_DAYS * 1 + MAX_FREEZES


@settings(max_examples=200, deadline=None)
@given(histories, st.integers(min_value=0, max_value=120))
def test_adding_activity_never_lowers_the_best_streak(offsets: list[int], extra: int) -> None:
    today = D0 + timedelta(days=130)
    before = compute_streak(days(*offsets), today)
    after = compute_streak(days(*offsets, extra), today)
    assert after.best >= before.best


@settings(max_examples=200, deadline=None)
@given(histories)
def test_active_today_extends_yesterdays_streak_by_one(offsets: list[int]) -> None:
    if not offsets:
        return
    last = max(offsets)
    yesterday = compute_streak(days(*offsets), D0 + timedelta(days=last + 1))
    today = compute_streak(days(*offsets, last + 1), D0 + timedelta(days=last + 1))
    assert today.current == yesterday.current + 1


@settings(max_examples=200, deadline=None)
@given(histories, st.integers(min_value=0, max_value=130))
def test_excusing_a_day_never_shortens_the_streak(offsets: list[int], excused: int) -> None:
    today = D0 + timedelta(days=130)
    plain = compute_streak(days(*offsets), today)
    forgiven = compute_streak(days(*offsets), today, excused_days=days(excused))
    assert forgiven.current >= plain.current or forgiven.best >= plain.best

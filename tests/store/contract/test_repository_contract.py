"""The Repository port, method by method, on every driver: round trips, tenancy, upserts and ordering."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.store import Store
from bot.store.records import ActivityDay, CardRow, LeaderRow, TzChange, Workspace
from tests.conftest import START
from tests.store.contract.builders import (
    OTHER_WS,
    QUESTION,
    WS,
    CountingSchedule,
    add_learner,
    add_subscription,
    answer,
    count,
    learner,
    never_called,
    query,
    quiz,
    subscription,
)

DAY = timedelta(days=1)


# workspaces -----------------------------------------------------------------------------------------
def test_a_workspace_is_created_once_and_keeps_its_first_values(any_store: Store) -> None:
    repo = any_store.repo
    assert repo.get_workspace(WS) is None
    first = repo.ensure_workspace(WS, "slack", "Acme", START)
    assert first == Workspace(WS, "slack", "Acme", None, START)
    assert repo.ensure_workspace(WS, "discord", "Renamed", START + DAY) == first
    repo.set_workspace_tz(WS, "Europe/Berlin")
    assert repo.get_workspace(WS) == Workspace(WS, "slack", "Acme", "Europe/Berlin", START)
    assert repo.get_workspace(OTHER_WS) is None


# learners -------------------------------------------------------------------------------------------
def test_a_learner_round_trips_every_field(any_store: Store) -> None:
    any_store.repo.ensure_workspace(WS, "slack", "Acme", START)
    written = learner("U1", display_name="Ada", tz="Asia/Kolkata", tz_source="platform", track="builder",
                      daily_time="07:30", nudges=False, last_seen_at=START + timedelta(hours=1))
    assert any_store.repo.create_learner(written) == written
    assert any_store.repo.get_learner(WS, "U1") == written
    assert any_store.repo.get_learner(WS, "U2") is None
    assert any_store.repo.get_learner(OTHER_WS, "U1") is None


def test_creating_a_learner_twice_keeps_the_first(any_store: Store) -> None:
    first = add_learner(any_store, "U1", display_name="first")
    assert any_store.repo.create_learner(learner("U1", display_name="second", tz="Europe/Paris")) == first
    assert count(any_store, "learners") == 1


def test_the_same_user_id_in_two_workspaces_is_two_learners(any_store: Store) -> None:
    add_learner(any_store, "U1", display_name="in T1")
    add_learner(any_store, "U1", OTHER_WS, display_name="in T2")
    any_store.repo.set_learner_field(WS, "U1", "track", "builder")
    one, other = any_store.repo.get_learner(WS, "U1"), any_store.repo.get_learner(OTHER_WS, "U1")
    assert one is not None
    assert other is not None
    assert (one.display_name, one.track) == ("in T1", "builder")
    assert (other.display_name, other.track) == ("in T2", "path")
    assert [x.user_id for x in any_store.repo.list_learners(OTHER_WS)] == ["U1"]


def test_touching_a_learner_moves_last_seen_and_keeps_a_blank_name(any_store: Store) -> None:
    add_learner(any_store, "U1", display_name="Ada")
    any_store.repo.touch_learner(WS, "U1", "", START + DAY)
    stored = any_store.repo.get_learner(WS, "U1")
    assert stored is not None
    assert (stored.display_name, stored.last_seen_at, stored.created_at) == ("Ada", START + DAY, START)
    any_store.repo.touch_learner(WS, "U1", "Ada L.", START + 2 * DAY)
    stored = any_store.repo.get_learner(WS, "U1")
    assert stored is not None
    assert (stored.display_name, stored.last_seen_at) == ("Ada L.", START + 2 * DAY)
    any_store.repo.touch_learner(WS, "nobody", "x", START)
    assert count(any_store, "learners") == 1


def test_time_zone_changes_are_logged_from_the_zone_they_replace(any_store: Store) -> None:
    add_learner(any_store, "U1")
    repo = any_store.repo
    repo.set_learner_tz(WS, "U1", "Europe/Paris", "platform", START)
    repo.set_learner_tz(WS, "U1", "Europe/Paris", "user", START + DAY)  # same zone: source changes, no log line
    repo.set_learner_tz(WS, "U1", "America/Lima", "user", START + 2 * DAY)
    repo.set_learner_tz(WS, "nobody", "Asia/Tokyo", "user", START)
    assert repo.tz_changes(WS, "U1") == [
        TzChange(START, "UTC", "Europe/Paris"), TzChange(START + 2 * DAY, "Europe/Paris", "America/Lima"),
    ]
    stored = repo.get_learner(WS, "U1")
    assert stored is not None
    assert (stored.tz, stored.tz_source) == ("America/Lima", "user")
    assert repo.tz_changes(WS, "nobody") == []
    assert repo.get_learner(WS, "nobody") is None
    assert repo.tz_changes(OTHER_WS, "U1") == []


def test_learner_fields_are_set_one_at_a_time(any_store: Store) -> None:
    add_learner(any_store, "U1")
    repo = any_store.repo
    repo.set_learner_field(WS, "U1", "track", "builder")
    repo.set_learner_field(WS, "U1", "daily_time", "18:15")
    repo.set_learner_field(WS, "U1", "nudges", False)
    repo.set_learner_field(WS, "U1", "display_name", "Grace")
    stored = repo.get_learner(WS, "U1")
    assert stored is not None
    assert (stored.track, stored.daily_time, stored.nudges, stored.display_name) == ("builder", "18:15", False, "Grace")
    repo.set_learner_field(WS, "U1", "nudges", True)
    again = repo.get_learner(WS, "U1")
    assert again is not None
    assert again.nudges is True
    with pytest.raises(ValueError, match="unknown learner field"):
        repo.set_learner_field(WS, "U1", "tz", "UTC")


def test_learners_are_listed_by_user_id_within_their_workspace(any_store: Store) -> None:
    for user in ("U3", "U1", "U2"):
        add_learner(any_store, user)
    add_learner(any_store, "U0", OTHER_WS)
    assert [x.user_id for x in any_store.repo.list_learners(WS)] == ["U1", "U2", "U3"]
    assert any_store.repo.list_learners("T-none") == []


def _leave_traces(store: Store, workspace_id: str, user_id: str) -> None:
    """One row of everything a learner can leave behind."""
    add_learner(store, user_id, workspace_id)
    instance = f"{workspace_id}-{user_id}-q"
    store.repo.create_quiz_instance(quiz(instance, user_id, workspace_id))
    assert store.repo.record_answer(answer(instance, user_id, workspace_id), CountingSchedule())
    store.repo.record_tip_view(workspace_id, user_id, "tip-1", START)
    store.repo.set_learner_tz(workspace_id, user_id, "Europe/Paris", "user", START)
    store.repo.upsert_subscription(subscription(f"D-{user_id}", workspace_id, kind="dm", user_id=user_id))


def test_deleting_a_learner_removes_everything_of_that_learner_only(any_store: Store) -> None:
    _leave_traces(any_store, WS, "U1")
    _leave_traces(any_store, WS, "U2")
    _leave_traces(any_store, OTHER_WS, "U1")
    channel = add_subscription(any_store, "C1", created_by="U1")
    any_store.repo.create_quiz_instance(quiz("channel-q", None, channel_id="C1", origin="channel"))
    tables = ("answers", "cards", "activity", "tip_views", "tz_changes", "quiz_instances", "learners", "subscriptions")
    before = {table: count(any_store, table) for table in tables}

    removed = any_store.repo.delete_learner(WS, "U1")

    after = {table: count(any_store, table) for table in tables}
    assert removed == 8  # one row in each table
    assert {table: before[table] - after[table] for table in tables} == dict.fromkeys(tables, 1)
    assert any_store.repo.get_learner(WS, "U1") is None
    for table in tables[:-1]:
        column = "owner_user_id" if table == "quiz_instances" else "user_id"
        assert count(any_store, table, f"workspace_id = ? AND {column} = ?", (WS, "U1")) == 0
        assert count(any_store, table, f"workspace_id = ? AND {column} = ?", (WS, "U2")) == 1
        assert count(any_store, table, f"workspace_id = ? AND {column} = ?", (OTHER_WS, "U1")) == 1
    assert any_store.repo.get_subscription(WS, "C1", "channel") == replace(channel, created_by="")  # the channel's post stays, not who set it up
    assert any_store.repo.get_quiz_instance(WS, "channel-q") is not None
    assert any_store.repo.delete_learner(WS, "U1") == 0


# quizzes and answers --------------------------------------------------------------------------------
def test_a_quiz_instance_round_trips_within_its_workspace(any_store: Store) -> None:
    mine = quiz("q-1", "U1", channel_id="D1", origin="dm")
    shared = quiz("q-2", None, channel_id="C1", origin="channel")
    any_store.repo.create_quiz_instance(mine)
    any_store.repo.create_quiz_instance(shared)
    assert any_store.repo.get_quiz_instance(WS, "q-1") == mine
    assert any_store.repo.get_quiz_instance(WS, "q-2") == shared
    assert any_store.repo.get_quiz_instance(OTHER_WS, "q-1") is None
    assert any_store.repo.get_quiz_instance(WS, "q-3") is None


def test_the_latest_open_quiz_is_the_newest_and_on_a_tie_the_last_created(any_store: Store) -> None:
    repo = any_store.repo
    assert repo.latest_open_quiz(WS, "U1") is None
    repo.create_quiz_instance(quiz("m-early", "U1", created_at=START - DAY))
    for instance_id in ("z-tied", "a-tied", "m-tied"):  # inserted in this order, none sorts last by id
        repo.create_quiz_instance(quiz(instance_id, "U1", created_at=START))
    repo.create_quiz_instance(quiz("older-but-later", "U1", created_at=START - timedelta(seconds=1)))
    repo.create_quiz_instance(quiz("someone-else", "U2", created_at=START + DAY))
    repo.create_quiz_instance(quiz("channel", None, channel_id="C1", origin="channel", created_at=START + DAY))
    repo.create_quiz_instance(quiz("elsewhere", "U1", OTHER_WS, created_at=START + DAY))
    latest = repo.latest_open_quiz(WS, "U1")
    assert latest is not None
    assert latest.id == "m-tied"
    other_ws = repo.latest_open_quiz(OTHER_WS, "U1")
    assert other_ws is not None
    assert other_ws.id == "elsewhere"


def test_recording_an_answer_writes_answer_card_and_activity(any_store: Store) -> None:
    add_learner(any_store, "U1")
    any_store.repo.create_quiz_instance(quiz("q-1"))
    schedule = CountingSchedule(due_at=START + 3 * DAY)
    assert any_store.repo.record_answer(answer("q-1", letter="C", correct=False, points=2), schedule)
    assert schedule.seen == [None]
    assert any_store.repo.get_answer_letter(WS, "q-1", "U1") == "C"
    assert any_store.repo.get_answer_letter(WS, "q-1", "U2") is None
    assert any_store.repo.get_answer_letter(OTHER_WS, "q-1", "U1") is None
    assert any_store.repo.next_card(WS, "U1") == CardRow(QUESTION, START + 3 * DAY, reps=1, lapses=1, last_correct=False)
    assert any_store.repo.activity(WS, "U1") == [ActivityDay(START.date(), 1, 0)]
    assert any_store.repo.answered_question_ids(WS, "U1") == {QUESTION}
    assert any_store.repo.answer_counts_by_question(WS, "U1") == [(QUESTION, 1, 0)]


def test_a_second_answer_to_the_same_instance_is_refused_and_writes_nothing(any_store: Store) -> None:
    add_learner(any_store, "U1")
    any_store.repo.create_quiz_instance(quiz("q-1"))
    assert any_store.repo.record_answer(answer("q-1", letter="A"), CountingSchedule())
    tables = ("answers", "cards", "activity")
    before = {t: [tuple(r) for r in query(any_store, f"SELECT * FROM {t}")] for t in tables}
    assert not any_store.repo.record_answer(answer("q-1", letter="B", correct=False, at=START + DAY), never_called)
    after = {t: [tuple(r) for r in query(any_store, f"SELECT * FROM {t}")] for t in tables}
    assert after == before
    assert any_store.repo.get_answer_letter(WS, "q-1", "U1") == "A"


def test_answers_fold_into_one_card_and_per_day_activity(any_store: Store) -> None:
    add_learner(any_store, "U1")
    schedule = CountingSchedule()
    days = [START, START + timedelta(hours=1), START + DAY]
    for index, (at, correct) in enumerate(zip(days, (True, False, True), strict=True)):
        any_store.repo.create_quiz_instance(quiz(f"q-{index}", created_at=at))
        assert any_store.repo.record_answer(answer(f"q-{index}", correct=correct, at=at), schedule)
    assert schedule.seen == [None, '{"answers": 1}', '{"answers": 2}']
    card = any_store.repo.next_card(WS, "U1")
    assert card is not None
    assert (card.reps, card.lapses, card.last_correct) == (3, 1, True)
    assert any_store.repo.activity(WS, "U1") == [ActivityDay(START.date(), 2, 1), ActivityDay((START + DAY).date(), 1, 1)]
    assert any_store.repo.answer_counts_by_question(WS, "U1") == [(QUESTION, 3, 2)]
    assert any_store.repo.activity(OTHER_WS, "U1") == []
    assert any_store.repo.answer_counts_by_question(WS, "U2") == []


def test_answer_counts_are_per_question(any_store: Store) -> None:
    add_learner(any_store, "U1")
    for index, (question, correct) in enumerate((("q-a", True), ("q-b", False), ("q-a", False))):
        any_store.repo.create_quiz_instance(quiz(f"i-{index}", question_id=question))
        any_store.repo.record_answer(answer(f"i-{index}", question_id=question, correct=correct), CountingSchedule())
    assert sorted(any_store.repo.answer_counts_by_question(WS, "U1")) == [("q-a", 2, 1), ("q-b", 1, 0)]
    assert any_store.repo.answered_question_ids(WS, "U1") == {"q-a", "q-b"}


# tips -----------------------------------------------------------------------------------------------
def test_tip_views_are_kept_once_and_the_last_one_is_the_newest(any_store: Store) -> None:
    repo = any_store.repo
    assert repo.last_tip_id(WS, "U1") is None
    repo.record_tip_view(WS, "U1", "tip-b", START)
    repo.record_tip_view(WS, "U1", "tip-a", START + DAY)
    repo.record_tip_view(WS, "U1", "tip-b", START + 2 * DAY)  # seen before: kept once, its first time stays
    repo.record_tip_view(WS, "U2", "tip-c", START + 3 * DAY)
    repo.record_tip_view(OTHER_WS, "U1", "tip-z", START + 3 * DAY)
    assert repo.seen_tip_ids(WS, "U1") == {"tip-a", "tip-b"}
    assert repo.last_tip_id(WS, "U1") == "tip-a"
    assert count(any_store, "tip_views", "workspace_id = ? AND user_id = ?", (WS, "U1")) == 2
    assert repo.seen_tip_ids(OTHER_WS, "U1") == {"tip-z"}


# reviews --------------------------------------------------------------------------------------------
def _cards(store: Store, workspace_id: str, user_id: str, due: dict[str, timedelta]) -> None:
    add_learner(store, user_id, workspace_id)
    for question, offset in due.items():
        instance = f"{workspace_id}-{user_id}-{question}"
        store.repo.create_quiz_instance(quiz(instance, user_id, workspace_id, question))
        store.repo.record_answer(answer(instance, user_id, workspace_id, question), CountingSchedule(due_at=START + offset))


def test_due_cards_are_the_ones_due_by_now_oldest_first(any_store: Store) -> None:
    _cards(any_store, WS, "U1", {"q-late": DAY, "q-b": -DAY, "q-a": -DAY, "q-now": timedelta(0), "q-old": -3 * DAY})
    _cards(any_store, WS, "U2", {"q-x": -5 * DAY})
    _cards(any_store, OTHER_WS, "U1", {"q-y": -5 * DAY})
    repo = any_store.repo
    assert [c.question_id for c in repo.due_cards(WS, "U1", START, 10)] == ["q-old", "q-a", "q-b", "q-now"]
    assert [c.question_id for c in repo.due_cards(WS, "U1", START, 2)] == ["q-old", "q-a"]
    assert repo.count_due(WS, "U1", START) == 4
    assert repo.count_due(WS, "U1", START - timedelta(seconds=1)) == 3
    assert repo.count_due(WS, "U1", START + DAY) == 5
    assert repo.count_due(WS, "U3", START + DAY) == 0
    next_card = repo.next_card(WS, "U1")
    assert next_card is not None
    assert (next_card.question_id, next_card.due_at) == ("q-old", START - 3 * DAY)
    assert repo.next_card(WS, "U3") is None


# ranking --------------------------------------------------------------------------------------------
def test_the_leaderboard_ranks_by_points_then_who_scored_first(any_store: Store) -> None:
    for user in ("U1", "U2", "U3"):
        add_learner(any_store, user)
    add_learner(any_store, "U1", OTHER_WS)
    scored = [  # (user, points, at): U2 and U3 tie on points, U3 answered first
        ("U3", 10, START), ("U2", 5, START + timedelta(minutes=1)), ("U1", 30, START + timedelta(minutes=2)),
        ("U2", 5, START + DAY), ("ghost", 1, START + DAY),
    ]
    for index, (user, points, at) in enumerate(scored):
        any_store.repo.create_quiz_instance(quiz(f"q-{index}", user, created_at=at))
        any_store.repo.record_answer(answer(f"q-{index}", user, points=points, at=at, correct=points > 1), CountingSchedule())
    any_store.repo.create_quiz_instance(quiz("far", "U1", OTHER_WS))
    any_store.repo.record_answer(answer("far", "U1", OTHER_WS, points=100), CountingSchedule())

    assert any_store.repo.leaderboard(WS, None, None, 10) == [
        LeaderRow("U1", "name-U1", 30, 1, 1), LeaderRow("U3", "name-U3", 10, 1, 1),
        LeaderRow("U2", "name-U2", 10, 2, 2), LeaderRow("ghost", "ghost", 1, 1, 0),
    ]
    assert [r.user_id for r in any_store.repo.leaderboard(WS, None, None, 2)] == ["U1", "U3"]
    assert [(r.user_id, r.points) for r in any_store.repo.leaderboard(WS, START + timedelta(minutes=1), START + DAY, 10)] == [
        ("U1", 30), ("U2", 5),
    ]
    assert any_store.repo.leaderboard(OTHER_WS, None, None, 10) == [LeaderRow("U1", "name-U1", 100, 1, 1)]
    assert any_store.repo.points_between(WS, "U2", START, START + DAY) == 5
    assert any_store.repo.points_between(WS, "U2", START, START + DAY + timedelta(seconds=1)) == 10
    assert any_store.repo.points_between(WS, "U1", START + DAY, START + 2 * DAY) == 0
    assert any_store.repo.points_between(OTHER_WS, "U2", START, START + DAY) == 0


# subscriptions --------------------------------------------------------------------------------------
def test_a_subscription_round_trips(any_store: Store) -> None:
    written = subscription("D1", kind="dm", user_id="U1", platform="discord", local_time="07:45", tz="Asia/Tokyo",
                           days="5,6", track="builder", next_due_at=START + DAY)
    stored = any_store.repo.upsert_subscription(written)
    assert stored.id is not None
    assert stored == replace(written, id=stored.id)
    assert any_store.repo.get_subscription(WS, "D1", "dm") == stored
    assert any_store.repo.get_subscription(WS, "D1", "channel") is None
    assert any_store.repo.get_subscription(OTHER_WS, "D1", "dm") is None


def test_upserting_a_subscription_replaces_its_settings_and_switches_it_on(any_store: Store) -> None:
    first = add_subscription(any_store, "C1", local_time="09:00", days="0,1,2,3,4", created_by="U-first")
    assert any_store.repo.deactivate_subscription(WS, "C1", "channel")
    again = any_store.repo.upsert_subscription(subscription(
        "C1", local_time="17:30", tz="Europe/Paris", days="0", track="builder", next_due_at=START + 2 * DAY,
        created_by="U-second", created_at=START + DAY,
    ))
    assert again.id == first.id
    assert (again.local_time, again.tz, again.days, again.track, again.active, again.next_due_at) == (
        "17:30", "Europe/Paris", "0", "builder", True, START + 2 * DAY,
    )
    assert (again.created_by, again.created_at) == ("U-first", START)  # who set it up first stays on record
    assert count(any_store, "subscriptions") == 1


def test_switching_a_subscription_off_says_true_only_once(any_store: Store) -> None:
    add_subscription(any_store, "C1")
    assert any_store.repo.deactivate_subscription(WS, "C1", "channel")
    assert not any_store.repo.deactivate_subscription(WS, "C1", "channel")
    assert not any_store.repo.deactivate_subscription(WS, "C-none", "channel")
    assert not any_store.repo.deactivate_subscription(OTHER_WS, "C1", "channel")
    stored = any_store.repo.get_subscription(WS, "C1", "channel")
    assert stored is not None
    assert stored.active is False


def test_subscriptions_are_listed_in_creation_order_within_their_workspace(any_store: Store) -> None:
    ids = [add_subscription(any_store, channel).id for channel in ("C9", "C1", "C5")]
    add_subscription(any_store, "C1", kind="dm", user_id="U1")
    add_subscription(any_store, "C1", workspace_id=OTHER_WS)
    listed = any_store.repo.list_subscriptions(WS)
    assert [(s.channel_id, s.kind) for s in listed] == [("C9", "channel"), ("C1", "channel"), ("C5", "channel"), ("C1", "dm")]
    assert [s.id for s in listed[:3]] == ids
    assert [s.workspace_id for s in any_store.repo.list_subscriptions(OTHER_WS)] == [OTHER_WS]


def test_dates_round_trip_as_dates(any_store: Store) -> None:
    add_learner(any_store, "U1")
    any_store.repo.create_quiz_instance(quiz("q-1"))
    any_store.repo.record_answer(answer("q-1"), CountingSchedule())
    [day] = any_store.repo.activity(WS, "U1")
    assert day.day == date(2026, 3, 2)
    assert isinstance(day.day, date)

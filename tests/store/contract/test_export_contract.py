"""``Repository.export_learner`` on every driver: all of one learner's rows, in order, and nobody else's."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.store import Store
from bot.store.records import ActivityDay, AnswerRow, CardState, TipView, TzChange
from tests.conftest import START
from tests.store.contract.builders import (
    OTHER_WS,
    QUESTION,
    WS,
    CountingSchedule,
    add_learner,
    add_subscription,
    answer,
    quiz,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def _leave_traces(store: Store, workspace_id: str, user_id: str, tip: str = "tip-1") -> None:
    """One of everything a learner leaves: a quiz answered, a tip seen, a zone change and a DM subscription."""
    add_learner(store, user_id, workspace_id)
    instance = f"{workspace_id}-{user_id}-q"
    store.repo.create_quiz_instance(quiz(instance, user_id, workspace_id))
    assert store.repo.record_answer(answer(instance, user_id, workspace_id), CountingSchedule())
    store.repo.record_tip_view(workspace_id, user_id, tip, START)
    store.repo.set_learner_tz(workspace_id, user_id, "Europe/Paris", "user", START)
    add_subscription(store, f"D-{user_id}", workspace_id=workspace_id, kind="dm", user_id=user_id)


def test_a_learner_without_a_record_has_no_export(any_store: Store) -> None:
    assert any_store.repo.export_learner(WS, "U1") is None
    add_learner(any_store, "U1", OTHER_WS)
    assert any_store.repo.export_learner(WS, "U1") is None


def test_a_new_learner_exports_their_record_and_nothing_else(any_store: Store) -> None:
    stored = add_learner(any_store, "U1")
    export = any_store.repo.export_learner(WS, "U1")
    assert export is not None
    assert export.learner == stored
    assert (export.answers, export.quizzes, export.tips, export.activity, export.tz_changes, export.cards,
            export.subscriptions) == ((), (), (), (), (), (), ())


def test_the_export_holds_every_row_of_the_learner_oldest_first(any_store: Store) -> None:
    add_learner(any_store, "U1")
    repo = any_store.repo
    schedule = CountingSchedule(due_at=START + 3 * DAY)
    for index, (at, correct, question) in enumerate(((START + DAY, False, QUESTION), (START, True, QUESTION), (START + HOUR, True, "beta-q-01"))):
        repo.create_quiz_instance(quiz(f"q-{index}", created_at=at, question_id=question))
        assert repo.record_answer(answer(f"q-{index}", at=at, correct=correct, question_id=question, letter="BAC"[index], points=index), schedule)
    repo.record_tip_view(WS, "U1", "tip-late", START + DAY)
    repo.record_tip_view(WS, "U1", "tip-early", START)
    repo.set_learner_tz(WS, "U1", "Asia/Tokyo", "user", START + HOUR)
    dm = add_subscription(any_store, "D1", kind="dm", user_id="U1")

    export = repo.export_learner(WS, "U1")

    assert export is not None
    assert export.answers == (
        AnswerRow("q-1", QUESTION, "A", True, 1, START, START.date()),
        AnswerRow("q-2", "beta-q-01", "C", True, 2, START + HOUR, START.date()),
        AnswerRow("q-0", QUESTION, "B", False, 0, START + DAY, (START + DAY).date()),
    )
    assert [q.id for q in export.quizzes] == ["q-1", "q-2", "q-0"]
    assert export.tips == (TipView("tip-early", START), TipView("tip-late", START + DAY))
    assert export.activity == (ActivityDay(START.date(), 2, 2), ActivityDay((START + DAY).date(), 1, 0))
    assert export.tz_changes == (TzChange(START + HOUR, "UTC", "Asia/Tokyo"),)
    assert export.learner.tz == "Asia/Tokyo"
    [beta, alpha] = sorted(export.cards, key=lambda c: c.question_id, reverse=True)
    assert alpha == CardState(QUESTION, json.dumps({"answers": 2}), START + 3 * DAY, reps=2, lapses=1, last_correct=True)  # q-1 was recorded last
    assert (beta.question_id, beta.reps, beta.lapses) == ("beta-q-01", 1, 0)
    assert export.subscriptions == (dm,)


def test_the_export_never_holds_another_learners_or_workspaces_rows(any_store: Store) -> None:
    _leave_traces(any_store, WS, "U1", tip="mine")
    _leave_traces(any_store, WS, "U2", tip="colleague")
    _leave_traces(any_store, OTHER_WS, "U1", tip="elsewhere")
    add_subscription(any_store, "C1", created_by="U1")  # the channel's post; that U1 set it up is U1's
    add_subscription(any_store, "C2", created_by="U2")
    any_store.repo.create_quiz_instance(quiz("channel-q", None, channel_id="C1", origin="channel"))

    export = any_store.repo.export_learner(WS, "U1")

    assert export is not None
    assert [t.tip_id for t in export.tips] == ["mine"]
    assert [a.instance_id for a in export.answers] == [f"{WS}-U1-q"]
    assert [q.id for q in export.quizzes] == [f"{WS}-U1-q"]
    assert sorted((s.workspace_id, s.channel_id) for s in export.subscriptions) == [(WS, "C1"), (WS, "D-U1")]
    assert len(export.cards) == len(export.activity) == len(export.tz_changes) == 1
    assert (export.learner.workspace_id, export.learner.user_id) == (WS, "U1")


def test_forgetting_an_admin_keeps_the_channels_post_but_not_who_set_it_up(any_store: Store) -> None:
    _leave_traces(any_store, WS, "U1")
    channel = add_subscription(any_store, "C1", created_by="U1")
    assert any_store.repo.delete_learner(WS, "U1") > 0
    kept = any_store.repo.get_subscription(WS, "C1", "channel")
    assert kept is not None
    assert kept.active
    assert (kept.id, kept.created_by) == (channel.id, "")


def test_after_deleting_the_learner_nothing_is_left_to_export(any_store: Store) -> None:
    _leave_traces(any_store, WS, "U1")
    _leave_traces(any_store, WS, "U2")
    assert any_store.repo.delete_learner(WS, "U1") > 0
    assert any_store.repo.export_learner(WS, "U1") is None
    add_learner(any_store, "U1")  # they come back: a fresh record with nothing behind it
    export = any_store.repo.export_learner(WS, "U1")
    assert export is not None
    assert (export.answers, export.tips, export.cards, export.activity, export.tz_changes, export.subscriptions) == ((),) * 6
    other = any_store.repo.export_learner(WS, "U2")
    assert other is not None
    assert len(other.answers) == 1

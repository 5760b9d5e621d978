"""``Repository.team_snapshot`` on every driver: one workspace's learning, learners as numbers, nobody else's rows."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.store import Store
from bot.store.records import TeamAnswers
from tests.conftest import START
from tests.store.contract.builders import OTHER_WS, QUESTION, WS, CountingSchedule, add_learner, answer, quiz

DAY = timedelta(days=1)
WEEK = timedelta(days=7)


def _answers(store: Store, user_id: str, workspace_id: str = WS, *, at: list[tuple[int, str, bool]]) -> None:
    """``at``: (day offset, question, right) per answer."""
    add_learner(store, user_id, workspace_id)
    for index, (offset, question, correct) in enumerate(at):
        instance = f"{workspace_id}-{user_id}-{index}"
        when = START + offset * DAY
        store.repo.create_quiz_instance(quiz(instance, user_id, workspace_id, created_at=when, question_id=question))
        assert store.repo.record_answer(answer(instance, user_id, workspace_id, question, correct, at=when), CountingSchedule())


def test_an_empty_workspace_has_an_empty_snapshot(any_store: Store) -> None:
    add_learner(any_store, "U-silent")  # a learner who never answered is not part of the team's figures
    snapshot = any_store.repo.team_snapshot(WS, ((START, START + WEEK),))
    assert (snapshot.members, snapshot.active_by_week, snapshot.answers, snapshot.cards) == ((), (0,), (), ())


def test_the_snapshot_counts_learners_per_week_and_numbers_them(any_store: Store) -> None:
    _answers(any_store, "U-b", at=[(0, QUESTION, True), (1, QUESTION, False), (8, "beta-q-01", True)])
    _answers(any_store, "U-a", at=[(-3, QUESTION, True)])
    _answers(any_store, "U-x", OTHER_WS, at=[(0, QUESTION, False), (1, "beta-q-01", False)])
    add_learner(any_store, "U-silent")

    snapshot = any_store.repo.team_snapshot(WS, ((START, START + WEEK), (START - WEEK, START), (START + WEEK, START + 2 * WEEK)))

    assert snapshot.active_by_week == (1, 1, 1)
    assert len(snapshot.members) == 2  # U-a then U-b; U-silent and the other workspace's U-x are not in it
    assert [m.days for m in snapshot.members] == [((START - 3 * DAY).date(),), (START.date(), (START + DAY).date(), (START + 8 * DAY).date())]
    assert snapshot.answers == (TeamAnswers(0, QUESTION, 1, 1), TeamAnswers(1, QUESTION, 2, 1), TeamAnswers(1, "beta-q-01", 1, 1))
    assert [(c.member, c.question_id, json.loads(c.state_json)["answers"]) for c in snapshot.cards] == [
        (0, QUESTION, 1), (1, QUESTION, 2), (1, "beta-q-01", 1),
    ]
    assert "U-" not in repr(snapshot)  # no id travels with it


def test_zone_moves_come_with_their_member_and_forget_me_removes_them(any_store: Store) -> None:
    _answers(any_store, "U-a", at=[(0, QUESTION, True)])
    any_store.repo.set_learner_tz(WS, "U-a", "Asia/Tokyo", "user", START + DAY)
    [member] = any_store.repo.team_snapshot(WS, ()).members
    assert member.tz == "Asia/Tokyo"
    assert [(c.old_tz, c.new_tz) for c in member.tz_changes] == [("UTC", "Asia/Tokyo")]
    any_store.repo.delete_learner(WS, "U-a")
    assert any_store.repo.team_snapshot(WS, ((START, START + WEEK),)).active_by_week == (0,)

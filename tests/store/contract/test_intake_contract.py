"""The IntakeStore port on every driver: admission, states, recovery, pruning, and the unit of work.

The unit of work is one transaction that also holds every write the applied use case makes; a nested
transaction (a repository method, or another unit of work) is a savepoint that fails alone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.intake import Applied, Intake, IntakeRecord, OpenRequest
from bot.store import Store
from tests.conftest import START
from tests.store.contract.builders import WS, CountingSchedule, add_learner, answer, count, quiz


class Boom(RuntimeError):
    pass


def rec(key: str, platform: str = "slack", body: str = "text=quiz") -> IntakeRecord:
    return IntakeRecord(key, platform, "command", body, "application/x-www-form-urlencoded")


def test_admission_says_which_keys_are_new(any_store: Store) -> None:
    intake = any_store.intake
    assert intake.admit([rec("k1"), rec("k2")], START) == [True, True]
    assert intake.admit([rec("k2"), rec("k3"), rec("k1")], START) == [False, True, False]
    assert intake.admit([rec("k4"), rec("k4")], START) == [True, False]
    assert intake.admit([], START) == []
    assert count(any_store, "intake") == 4
    assert intake.state_of("k1") == "pending"
    assert intake.state_of("unknown") is None


def test_a_replay_keeps_the_first_body(any_store: Store) -> None:
    any_store.intake.admit([rec("k1", body="first")], START)
    any_store.intake.admit([rec("k1", body="second")], START + timedelta(seconds=1))
    [open_request] = any_store.intake.open_requests(START, "slack")
    assert open_request.record.body == "first"
    assert open_request.received_at == START


def test_marks_move_a_request_on_and_keep_its_reply(any_store: Store) -> None:
    intake = any_store.intake
    intake.admit([rec("k1")], START)
    reply: dict[str, Any] = {"text": "Quiz ☕", "blocks": [{"type": "section"}], "n": 1}
    intake.mark("k1", "applied", START + timedelta(seconds=1), reply)
    assert intake.state_of("k1") == "applied"
    [applied] = intake.open_requests(START, "slack")
    assert (applied.state, applied.response) == ("applied", reply)
    intake.mark("k1", "responded", START + timedelta(seconds=2))
    assert intake.state_of("k1") == "responded"
    assert intake.open_requests(START, "slack") == []


def test_open_requests_are_the_unfinished_ones_of_one_platform_oldest_first(any_store: Store) -> None:
    intake = any_store.intake
    intake.admit([rec("b-late")], START + timedelta(seconds=5))
    intake.admit([rec("z-early"), rec("a-early")], START)
    intake.admit([rec("too-old")], START - timedelta(hours=1))
    intake.admit([rec("done"), rec("failed")], START)
    intake.admit([rec("discord-1", platform="discord")], START)
    intake.mark("done", "responded", START)
    intake.mark("failed", "failed", START)
    intake.mark("b-late", "applied", START, {"ok": True})

    requests = intake.open_requests(START - timedelta(minutes=30), "slack")
    assert [(r.record.key, r.state) for r in requests] == [("a-early", "pending"), ("z-early", "pending"), ("b-late", "applied")]
    assert requests[0] == OpenRequest(rec("a-early"), "pending", None, START, updated_at=START)
    assert [r.record.key for r in intake.open_requests(START - timedelta(minutes=30), "discord")] == ["discord-1"]


def test_pruning_forgets_finished_requests_only(any_store: Store) -> None:
    intake = any_store.intake
    intake.admit([rec("responded"), rec("failed"), rec("pending"), rec("applied"), rec("recent")], START)
    intake.mark("responded", "responded", START)
    intake.mark("failed", "failed", START)
    intake.mark("applied", "applied", START, {})
    intake.mark("recent", "responded", START + timedelta(days=1))
    assert intake.prune(START) == 0  # updated at START: not older than it
    assert intake.prune(START + timedelta(seconds=1)) == 2
    assert {intake.state_of(key) for key in ("pending", "applied", "recent")} == {"pending", "applied", "responded"}
    assert intake.state_of("responded") is None
    assert count(any_store, "intake") == 3


# the unit of work -----------------------------------------------------------------------------------
def _learner_with_quiz(store: Store) -> None:
    add_learner(store, "U1")
    store.repo.create_quiz_instance(quiz("q-1"))


def test_a_unit_of_work_commits_the_effect_with_its_mark(any_store: Store) -> None:
    _learner_with_quiz(any_store)
    any_store.intake.admit([rec("k1")], START)
    with any_store.intake.unit_of_work():
        assert any_store.intake.state_of("k1") == "pending"
        assert any_store.repo.record_answer(answer("q-1"), CountingSchedule())
        any_store.intake.mark("k1", "applied", START, {"text": "Correct!"})
        assert any_store.repo.get_answer_letter(WS, "q-1", "U1") == "A"  # our own writes are visible inside
    assert any_store.intake.state_of("k1") == "applied"
    assert count(any_store, "answers") == 1


def test_an_error_in_a_unit_of_work_leaves_nothing(any_store: Store) -> None:
    _learner_with_quiz(any_store)
    any_store.intake.admit([rec("k1")], START)

    def apply_then_fail() -> None:
        with any_store.intake.unit_of_work():
            assert any_store.repo.record_answer(answer("q-1"), CountingSchedule())
            any_store.repo.record_tip_view(WS, "U1", "tip-1", START)
            any_store.intake.mark("k1", "applied", START, {"text": "Correct!"})
            assert any_store.intake.admit([rec("k2")], START) == [True]
            raise Boom

    with pytest.raises(Boom):
        apply_then_fail()
    assert any_store.intake.state_of("k1") == "pending"
    assert any_store.intake.state_of("k2") is None
    for table in ("answers", "cards", "activity", "tip_views"):
        assert count(any_store, table) == 0, table
    assert any_store.repo.record_answer(answer("q-1"), CountingSchedule())  # nothing half-written blocks a retry


def test_a_failed_nested_unit_of_work_rolls_back_alone(any_store: Store) -> None:
    _learner_with_quiz(any_store)

    def nested_then_fail() -> None:
        with any_store.intake.unit_of_work():
            assert any_store.repo.record_answer(answer("q-1"), CountingSchedule())
            any_store.repo.record_tip_view(WS, "U1", "rolled-back", START)
            raise Boom

    with any_store.intake.unit_of_work():
        any_store.repo.record_tip_view(WS, "U1", "kept-before", START)
        with pytest.raises(Boom):
            nested_then_fail()
        assert count(any_store, "answers") == 0
        any_store.repo.record_tip_view(WS, "U1", "kept-after", START + timedelta(seconds=1))
    assert any_store.repo.seen_tip_ids(WS, "U1") == {"kept-before", "kept-after"}
    for table in ("answers", "cards", "activity"):
        assert count(any_store, table) == 0, table


def test_a_failed_statement_in_a_nested_write_rolls_back_that_write_only(any_store: Store) -> None:
    _learner_with_quiz(any_store)
    with any_store.intake.unit_of_work():
        any_store.repo.record_tip_view(WS, "U1", "kept", START)
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            any_store.repo.create_quiz_instance(quiz("q-1"))  # the id exists: this write fails, the transaction lives on
        assert any_store.repo.record_answer(answer("q-1"), CountingSchedule())
    assert any_store.repo.seen_tip_ids(WS, "U1") == {"kept"}
    assert count(any_store, "answers") == 1
    assert count(any_store, "quiz_instances") == 1


def test_a_nested_success_is_undone_when_the_outer_unit_fails(any_store: Store) -> None:
    _learner_with_quiz(any_store)

    def nested_ok_outer_fails() -> None:
        with any_store.intake.unit_of_work():
            with any_store.intake.unit_of_work():
                any_store.repo.record_answer(answer("q-1"), CountingSchedule())
            assert count(any_store, "answers") == 1
            raise Boom

    with pytest.raises(Boom):
        nested_ok_outer_fails()
    assert count(any_store, "answers") == 0


# the intake over the port ---------------------------------------------------------------------------
def test_the_intake_applies_an_admitted_request_once(any_store: Store) -> None:
    intake = Intake(any_store.intake, FixedClock(START))
    try:
        assert intake.admit_now(rec("k1")) is True
        assert intake.admit_now(rec("k1")) is False
        runs: list[str] = []

        def work() -> dict[str, Any]:
            runs.append("ran")
            any_store.repo.record_tip_view(WS, "U1", "tip-1", START)
            return {"text": "done"}

        assert intake.apply("k1", work) == Applied({"text": "done"}, fresh=True)
        assert intake.apply("k1", work) == Applied(None, fresh=False)
        assert runs == ["ran"]
        assert any_store.intake.state_of("k1") == "applied"
        intake.responded("k1")
        assert any_store.intake.state_of("k1") == "responded"
    finally:
        intake.close()


def test_recovery_takes_a_pending_request_at_start_and_a_reply_only_once_settled_and_claimed(any_store: Store) -> None:
    """Several processes share the intake: a reply still in flight elsewhere is left alone, then sent by one."""
    clock = FixedClock(START)
    intake = Intake(any_store.intake, clock)
    any_store.intake.admit([rec("queued"), rec("replying")], START)
    any_store.intake.mark("replying", "applied", START, {"text": "done"})

    assert [r.record.key for r in intake.open_requests("slack")] == ["queued"], "a fresh reply belongs to whoever applied it"
    assert list(intake.open_requests("slack", starting=False)) == [], "a later pass leaves a queued request alone for a while"

    clock.set(START + timedelta(seconds=11))
    first = [r.record.key for r in intake.open_requests("slack", starting=False)]
    second = [r.record.key for r in Intake(any_store.intake, clock).open_requests("slack", starting=False)]
    assert first == ["replying"]
    assert second == [], "one process claims the reply; another sees it taken"

    clock.set(START + timedelta(seconds=31))
    assert "queued" in [r.record.key for r in intake.open_requests("slack", starting=False)], "a request stuck in a dead process is taken"

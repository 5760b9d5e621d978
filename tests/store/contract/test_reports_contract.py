"""Question reports on every driver: once per learner and question, scoped to a workspace, paused by count."""

from __future__ import annotations

from datetime import timedelta

from bot.store import Store
from tests.conftest import START
from tests.store.contract.builders import OTHER_WS, QUESTION, WS, CountingSchedule, add_learner, answer, count, quiz
from tests.store.contract.racing import together

LATER = START + timedelta(hours=1)


def test_a_report_is_stored_once_per_learner_and_question(any_store: Store) -> None:
    repo = any_store.repo
    first, created = repo.add_report(WS, "U1", QUESTION, "unclear", "two options say the same", START)
    assert created
    assert first.is_open
    assert (first.workspace_id, first.user_id, first.question_id, first.reason, first.text, first.created_at) == (
        WS, "U1", QUESTION, "unclear", "two options say the same", START)
    again, created_again = repo.add_report(WS, "U1", QUESTION, "typo", "", LATER)
    assert not created_again
    assert again == first
    assert count(any_store, "reports") == 1
    assert repo.get_report(WS, first.id) == first


def test_two_identical_reports_at_once_store_one(any_store: Store) -> None:
    results = together(*(lambda: any_store.repo.add_report(WS, "U1", QUESTION, "typo", "", START) for _ in range(2)))
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0].id == results[1][0].id
    assert count(any_store, "reports") == 1


def test_reports_are_scoped_to_their_workspace(any_store: Store) -> None:
    repo = any_store.repo
    mine, _ = repo.add_report(WS, "U1", QUESTION, "outdated", "", START)
    theirs, _ = repo.add_report(OTHER_WS, "U1", QUESTION, "typo", "", START)
    assert repo.get_report(OTHER_WS, mine.id) is None
    assert [r.id for r in repo.list_reports(WS)] == [mine.id]
    assert [r.id for r in repo.list_reports(OTHER_WS)] == [theirs.id]
    assert {r.id for r in repo.list_reports(None)} == {mine.id, theirs.id}
    assert repo.resolve_reports(OTHER_WS, QUESTION, "fixed", LATER) == 1
    assert repo.get_report(WS, mine.id) == mine
    assert repo.report_counts(WS) == {QUESTION: 1}
    assert repo.report_counts(None) == {QUESTION: 2}


def test_a_question_pauses_at_the_threshold_of_distinct_open_reports_and_resolving_unpauses_it(any_store: Store) -> None:
    repo = any_store.repo
    for user in ("U1", "U2"):
        repo.add_report(WS, user, QUESTION, "wrong-key", "", START)
    repo.add_report(WS, "U1", "beta-q-01", "typo", "", START)
    assert repo.paused_question_ids(WS, 3) == set()
    assert repo.paused_question_ids(WS, 2) == {QUESTION}
    repo.add_report(WS, "U3", QUESTION, "unclear", "", START)
    assert repo.paused_question_ids(WS, 3) == {QUESTION}
    assert repo.paused_question_ids(OTHER_WS, 1) == set()
    assert repo.resolve_reports(WS, QUESTION, "the key was right; reworded option B", LATER) == 3
    assert repo.resolve_reports(WS, QUESTION, "again", LATER) == 0
    assert repo.paused_question_ids(WS, 1) == {"beta-q-01"}
    resolved = [r for r in repo.list_reports(WS, open_only=False) if r.question_id == QUESTION]
    assert {(r.resolved_at, r.resolution) for r in resolved} == {(LATER, "the key was right; reworded option B")}
    assert [r.question_id for r in repo.list_reports(WS)] == ["beta-q-01"]
    assert repo.report_counts(WS) == {QUESTION: 3, "beta-q-01": 1}


def test_the_last_answered_question_and_whether_one_was_answered(any_store: Store) -> None:
    repo = any_store.repo
    add_learner(any_store, "U1")
    assert repo.last_answered_question_id(WS, "U1") is None
    assert not repo.has_answered(WS, "U1", QUESTION)
    for index, (question, at) in enumerate(((QUESTION, START), ("beta-q-01", LATER))):
        repo.create_quiz_instance(quiz(f"q{index}", question_id=question, created_at=at))
        assert repo.record_answer(answer(f"q{index}", question_id=question, at=at), CountingSchedule())
    assert repo.last_answered_question_id(WS, "U1") == "beta-q-01"
    assert repo.has_answered(WS, "U1", QUESTION)
    assert not repo.has_answered(OTHER_WS, "U1", QUESTION)
    assert repo.last_answered_question_id(OTHER_WS, "U1") is None


def test_forget_deletes_the_learners_reports_and_export_lists_them(any_store: Store) -> None:
    repo = any_store.repo
    add_learner(any_store, "U1")
    add_learner(any_store, "U2")
    add_learner(any_store, "U1", OTHER_WS)
    mine, _ = repo.add_report(WS, "U1", QUESTION, "typo", "teh", START)
    repo.add_report(WS, "U2", QUESTION, "typo", "", START)
    repo.add_report(OTHER_WS, "U1", QUESTION, "typo", "", START)
    export = repo.export_learner(WS, "U1")
    assert export is not None
    assert export.reports == (mine,)
    assert repo.delete_learner(WS, "U1") >= 2
    assert repo.learner_reports(WS, "U1") == []
    assert [r.user_id for r in repo.list_reports(WS)] == ["U2"]
    assert len(repo.list_reports(OTHER_WS)) == 1

"""``Repository.first_attempts`` on every driver: each learner's earliest answer per question, per workspace."""

from __future__ import annotations

from datetime import timedelta

from bot.store import Store
from bot.store.records import FirstAttempt
from tests.conftest import START
from tests.store.contract.builders import OTHER_WS, QUESTION, WS, CountingSchedule, add_learner, answer, quiz

MINUTE = timedelta(minutes=1)


def _answer(store: Store, instance: str, user: str, letter: str, correct: bool, minutes: int = 0, workspace: str = WS,
            question: str = QUESTION) -> None:
    at = START + minutes * MINUTE
    store.repo.create_quiz_instance(quiz(instance, user, workspace, question, created_at=at))
    assert store.repo.record_answer(answer(instance, user, workspace, question, correct, at=at, letter=letter), CountingSchedule())


def test_an_empty_database_has_no_first_attempts(any_store: Store) -> None:
    assert list(any_store.repo.first_attempts(None)) == []
    assert list(any_store.repo.first_attempts(WS)) == []


def test_only_the_earliest_answer_of_each_learner_and_question_counts(any_store: Store) -> None:
    add_learner(any_store, "U1")
    add_learner(any_store, "U2")
    # U1's later answer is written first (a lower id): the time decides, not the insertion order.
    _answer(any_store, "late", "U1", "A", True, minutes=10)
    _answer(any_store, "early", "U1", "B", False, minutes=5)
    _answer(any_store, "again", "U1", "A", True, minutes=20)
    # Two answers in the same second: the one stored first is the first attempt.
    _answer(any_store, "tie-1", "U2", "C", False, minutes=1)
    _answer(any_store, "tie-2", "U2", "A", True, minutes=1)
    _answer(any_store, "other-q", "U2", "A", True, minutes=2, question="beta-q-01")

    found = sorted(any_store.repo.first_attempts(WS), key=lambda a: (a.user_id, a.question_id))

    assert found == [
        FirstAttempt(WS, "U1", QUESTION, "B", False),
        FirstAttempt(WS, "U2", QUESTION, "C", False),
        FirstAttempt(WS, "U2", "beta-q-01", "A", True),
    ]


def test_a_workspace_reads_only_its_own_answers_and_none_reads_them_all(any_store: Store) -> None:
    add_learner(any_store, "U1")
    add_learner(any_store, "U1", OTHER_WS)
    _answer(any_store, "here", "U1", "A", True)
    _answer(any_store, "there", "U1", "D", False, workspace=OTHER_WS)

    assert list(any_store.repo.first_attempts(WS)) == [FirstAttempt(WS, "U1", QUESTION, "A", True)]
    assert list(any_store.repo.first_attempts("T-unknown")) == []
    everywhere = sorted(any_store.repo.first_attempts(None), key=lambda a: a.workspace_id)
    assert everywhere == [FirstAttempt(WS, "U1", QUESTION, "A", True), FirstAttempt(OTHER_WS, "U1", QUESTION, "D", False)]


def test_forget_me_takes_a_learners_first_attempts_with_their_answers(any_store: Store) -> None:
    add_learner(any_store, "U1")
    _answer(any_store, "q", "U1", "A", True)
    any_store.repo.delete_learner(WS, "U1")
    assert list(any_store.repo.first_attempts(WS)) == []

"""FSRS tuning on every driver: desired retention on the learner, fitted parameters per workspace, the workspace's
review log, its cards in keyset pages, and rescheduling under the learners' locks."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import timedelta

from bot.reviews import ScheduledCard
from bot.store import Store
from bot.store.records import AnswerRow, CardKey, FittedParameters
from tests.conftest import START
from tests.store.contract.builders import OTHER_WS, WS, CountingSchedule, add_learner, answer, count, query

DAY = timedelta(days=1)
PARAMETERS = tuple(round(0.1 * i + 0.2, 4) for i in range(21))


def _answered(store: Store, user: str, question: str, *, workspace_id: str = WS, days: Sequence[int] = (0,), correct: bool = True) -> None:
    for day in days:
        instance = f"{workspace_id}-{user}-{question}-{day}"
        assert store.repo.record_answer(answer(instance, user, workspace_id, question, correct, at=START + day * DAY), CountingSchedule())


def test_a_learner_starts_at_0_9_and_keeps_the_retention_they_set(any_store: Store) -> None:
    assert add_learner(any_store, "U1").desired_retention == 0.9
    any_store.repo.set_learner_field(WS, "U1", "desired_retention", 0.85)
    stored = any_store.repo.get_learner(WS, "U1")
    assert stored is not None
    assert stored.desired_retention == 0.85
    assert any_store.repo.list_learners(WS)[0].desired_retention == 0.85


def test_forgetting_a_learner_deletes_their_retention_with_them(any_store: Store) -> None:
    add_learner(any_store, "U1")
    any_store.repo.set_learner_field(WS, "U1", "desired_retention", 0.82)
    any_store.repo.delete_learner(WS, "U1")
    assert count(any_store, "learners") == 0
    assert add_learner(any_store, "U1").desired_retention == 0.9


def test_fitted_parameters_are_per_workspace_and_a_new_fit_replaces_the_old(any_store: Store) -> None:
    add_learner(any_store, "U1")
    add_learner(any_store, "U1", OTHER_WS)
    assert any_store.repo.get_fsrs_parameters(WS) is None
    first = FittedParameters(PARAMETERS, 600, START)
    any_store.repo.set_fsrs_parameters(WS, first)
    assert any_store.repo.get_fsrs_parameters(WS) == first
    assert any_store.repo.get_fsrs_parameters(OTHER_WS) is None
    second = FittedParameters(tuple(p + 0.01 for p in PARAMETERS), 900, START + DAY)
    any_store.repo.set_fsrs_parameters(WS, second)
    assert any_store.repo.get_fsrs_parameters(WS) == second
    assert count(any_store, "fsrs_parameters") == 1


def test_the_workspace_review_log_is_every_learners_answers_oldest_first_and_no_one_elses(any_store: Store) -> None:
    for user in ("U2", "U1"):
        add_learner(any_store, user)
    add_learner(any_store, "U9", OTHER_WS)
    _answered(any_store, "U2", "q-b", days=(3, 1))
    _answered(any_store, "U1", "q-a", days=(0, 2), correct=False)
    _answered(any_store, "U9", "q-a", workspace_id=OTHER_WS)

    history = any_store.repo.workspace_answers(WS)

    assert [h.user_id for h in history] == ["U1", "U2"]
    assert [(a.question_id, a.answered_at, a.correct) for a in history[0].answers] == [("q-a", START, False), ("q-a", START + 2 * DAY, False)]
    assert [a.answered_at for a in history[1].answers] == [START + DAY, START + 3 * DAY]
    assert all(isinstance(a, AnswerRow) for h in history for a in h.answers)
    assert any_store.repo.workspace_answers("T-none") == []


def test_card_keys_page_through_every_card_of_the_workspace_once(any_store: Store) -> None:
    for user in ("U1", "U2"):
        add_learner(any_store, user)
        for question in ("q-a", "q-b", "q-c"):
            _answered(any_store, user, question)
    add_learner(any_store, "U1", OTHER_WS)
    _answered(any_store, "U1", "q-z", workspace_id=OTHER_WS)

    pages, after = [], None
    while keys := any_store.repo.card_keys(WS, after, 4):
        pages.append(keys)
        after = keys[-1]

    assert [len(p) for p in pages] == [4, 2]
    assert [k for p in pages for k in p] == [CardKey(u, q) for u in ("U1", "U2") for q in ("q-a", "q-b", "q-c")]


def test_rescheduling_rewrites_state_and_due_from_each_cards_own_answers_and_its_learners_retention(any_store: Store) -> None:
    add_learner(any_store, "U1")
    add_learner(any_store, "U2")
    any_store.repo.set_learner_field(WS, "U2", "desired_retention", 0.85)
    _answered(any_store, "U1", "q-a", days=(0, 2))
    _answered(any_store, "U2", "q-a", days=(1,))
    seen: list[tuple[float, list[tuple[str, int]]]] = []

    def reschedule(retention: float, answers: Sequence[AnswerRow]) -> ScheduledCard:
        seen.append((retention, [(a.question_id, a.answered_at.day) for a in answers]))
        return ScheduledCard(json.dumps({"replayed": len(answers)}), START + 10 * DAY * len(answers), None)

    rewritten = any_store.repo.reschedule_cards(WS, [CardKey("U1", "q-a"), CardKey("U2", "q-a"), CardKey("U3", "q-a")], reschedule)

    assert rewritten == 2  # U3 has no learner and no card: left alone
    assert seen == [(0.9, [("q-a", START.day), ("q-a", (START + 2 * DAY).day)]), (0.85, [("q-a", (START + DAY).day)])]
    rows = query(any_store, "SELECT user_id, state, due_at, reps FROM cards WHERE workspace_id = ? ORDER BY user_id", (WS,))
    assert [(r[0], json.loads(r[1]), r[2], r[3]) for r in rows] == [
        ("U1", {"replayed": 2}, int((START + 20 * DAY).timestamp()), 2),
        ("U2", {"replayed": 1}, int((START + 10 * DAY).timestamp()), 1),
    ]


def test_an_answer_arriving_during_a_batch_is_scheduled_from_the_rescheduled_card_and_kept(any_store: Store) -> None:
    """The batch holds the learner's lock: the answer waits, then folds into the rewritten card, never under it."""
    add_learner(any_store, "U1")
    _answered(any_store, "U1", "q-a", days=(0,))
    late = CountingSchedule()
    started = threading.Event()
    worker: list[threading.Thread] = []

    def reschedule(retention: float, answers: Sequence[AnswerRow]) -> ScheduledCard:
        thread = threading.Thread(
            target=lambda: (started.set(), any_store.repo.record_answer(answer("late", "U1", WS, "q-a", at=START + DAY), late)),
        )
        worker.append(thread)
        thread.start()
        assert started.wait(10)
        return ScheduledCard(json.dumps({"answers": 40}), START + 9 * DAY, None)

    assert any_store.repo.reschedule_cards(WS, [CardKey("U1", "q-a")], reschedule) == 1
    worker[0].join(10)

    assert late.seen == [json.dumps({"answers": 40})], "the answer must see the rescheduled card, not the one before it"
    [row] = query(any_store, "SELECT state, reps FROM cards WHERE workspace_id = ?", (WS,))
    assert (json.loads(row[0]), row[1]) == ({"answers": 41}, 2)

"""Fitting FSRS to a workspace (``bot.tuning``): the review log is export's rows, the 512-review threshold, the
stored parameters and the rescheduling, tested with given parameters; the fit itself runs where torch is installed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, ReviewLog

from bot.clock import FixedClock
from bot.export.revlog import card_id, revlog
from bot.render import tuning as words
from bot.reviews import FSRS_DEFAULTS, ReviewScheduler
from bot.store import StoreUnavailable
from bot.store.drivers.sqlite import SqliteRepository
from bot.store.records import AnswerRow, LearnerAnswers
from bot.tuning import optimize
from bot.tuning.optimize import optimize_workspace, reschedule_workspace
from bot.tuning.review_log import CARD_ID_BITS, MIN_REVIEWS, countable_reviews, review_logs
from tests.conftest import START
from tests.optimizer import require_optimizer
from tests.tuning_data import WS, cards, fill_workspace

GIVEN = (*FSRS_DEFAULTS[:2], 6.0, *FSRS_DEFAULTS[3:20], 0.2)
DAY = timedelta(days=1)


def run(repo: SqliteRepository, **kwargs: object) -> optimize.OptimizeReport:
    return optimize_workspace(repo, FixedClock(START + 90 * DAY), ReviewScheduler(), WS, **kwargs)  # type: ignore[arg-type]


def replayed(repo: SqliteRepository, user: str, question: str, retention: float, parameters: tuple[float, ...] | None) -> str:
    history = [(a.answered_at, a.correct) for h in repo.workspace_answers(WS) if h.user_id == user for a in h.answers if a.question_id == question]
    return ReviewScheduler().replay(history, retention, parameters).state_json


def test_the_optimizers_log_is_the_exports_rows_with_one_card_per_learner_and_question() -> None:
    def answers(*days: int) -> tuple[AnswerRow, ...]:
        return tuple(AnswerRow(f"i{d}", "q-1", "A", d % 2 == 0, 10, START + d * DAY, (START + d * DAY).date()) for d in days)

    history = [LearnerAnswers("U1", answers(0, 1, 3)), LearnerAnswers("U2", answers(0, 2))]
    replay = ReviewScheduler().record

    logs = review_logs(history, lambda state, correct, at: replay(state, correct, at).state_json)

    assert len(logs) == 5
    assert len({log.card_id for log in logs}) == 2, "one card per learner for the same question"
    for index, learner in enumerate(history):
        mine = [log for log in logs if log.card_id >> CARD_ID_BITS == index]
        rows = revlog(learner.answers, lambda state, correct, at: replay(state, correct, at).state_json)
        assert [(log.card_id & (2**CARD_ID_BITS - 1), int(log.review_datetime.timestamp() * 1000), int(log.rating)) for log in mine] == [
            (row.card_id, row.review_time, row.review_rating) for row in rows
        ]
        assert all(log.card_id & (2**CARD_ID_BITS - 1) == card_id("q-1") for log in mine)


def test_reviews_count_as_the_optimizer_counts_them() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)

    def log(card: int, at: datetime) -> ReviewLog:
        return ReviewLog(card, Rating.Good, at, None)

    first_only = [log(1, t)]
    same_day = [log(2, t), log(2, t + timedelta(hours=23))]
    spaced = [log(3, t + 2 * DAY), log(3, t), log(3, t + DAY)]  # out of order: sorted per card first
    long_card = [log(4, t + k * DAY) for k in range(100)]  # only the first 64 answers are read

    assert countable_reviews(first_only + same_day) == 0
    assert countable_reviews(spaced) == 2
    assert countable_reviews(long_card) == 63


def test_below_512_reviews_it_says_how_many_more_and_changes_nothing(repo: SqliteRepository) -> None:
    answers = fill_workspace(repo, START, learners=10, questions=10, answers_each=3)
    before = cards(repo)

    report = run(repo, fit=lambda logs: pytest.fail("nothing may be fitted below the threshold"))

    assert (report.outcome, report.reviews, report.answers, report.needed) == ("too few reviews", 200, answers, MIN_REVIEWS - 200)
    assert "has 200 reviews the optimizer can learn from" in words.too_few_reviews(report)
    assert "It needs 512: 312 more. Nothing changed" in words.too_few_reviews(report)
    assert repo.get_fsrs_parameters(WS) is None
    assert cards(repo) == before


def test_an_unknown_workspace_names_the_ones_there(repo: SqliteRepository) -> None:
    fill_workspace(repo, START, 1, 1, 1)
    report = optimize_workspace(repo, FixedClock(START), ReviewScheduler(), "T-nope")
    assert report.outcome == "unknown workspace"
    text = words.unknown_workspace(report, "aipm.db")
    assert "There is no workspace `T-nope` in aipm.db. Workspaces there: T1." in text
    assert "Nothing changed" in text


def test_without_the_optimizer_extra_it_says_how_to_install_it(repo: SqliteRepository, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_workspace(repo, START, learners=12, questions=15, answers_each=4)
    before = cards(repo)
    monkeypatch.setattr(optimize, "missing_packages", lambda: ["torch"])

    report = run(repo)

    assert report.outcome == "optimizer missing"
    text = words.optimizer_missing(report)
    assert "torch is not installed" in text
    assert "pip install -e '.[optimizer]'" in text
    assert repo.get_fsrs_parameters(WS) is None
    assert cards(repo) == before


def test_a_fit_is_stored_and_every_card_rescheduled_with_it_in_batches(repo: SqliteRepository) -> None:
    answers = fill_workspace(repo, START, learners=12, questions=15, answers_each=4)
    repo.set_learner_field(WS, "U003", "desired_retention", 0.85)
    handed: list[int] = []
    progress: list[int] = []

    report = run(repo, fit=lambda logs: handed.append(len(logs)) or GIVEN, batch=50, progress=progress.append)

    assert handed == [answers], "the optimizer gets every answer of the workspace"
    assert (report.outcome, report.reviews, report.cards, report.batches) == ("fitted", 12 * 15 * 3, 180, 4)
    assert progress == [50, 100, 150, 180]
    stored = repo.get_fsrs_parameters(WS)
    assert stored is not None
    assert (stored.parameters, stored.reviews, stored.fitted_at) == (GIVEN, 540, START + 90 * DAY)
    for user, card in cards(repo):
        retention = 0.85 if user == "U003" else 0.9
        assert card.state_json == replayed(repo, user, card.question_id, retention, GIVEN), (user, card.question_id)
        assert card.due_at == datetime.fromisoformat(json.loads(card.state_json)["due"])
    assert "Rescheduled 180 cards in 4 transactions" in words.fitted(report)


def test_rescheduling_with_fsrs_defaults_changes_no_card(repo: SqliteRepository) -> None:
    """Replaying a card's answers is exactly what answering did: the rescheduling path and the answer path agree."""
    fill_workspace(repo, START, learners=4, questions=6, answers_each=5)
    before = cards(repo)

    assert reschedule_workspace(repo, ReviewScheduler(), WS, None, batch=5) == (24, 5)
    assert cards(repo) == before


def test_parameters_fsrs_refuses_are_never_stored(repo: SqliteRepository) -> None:
    fill_workspace(repo, START, learners=12, questions=15, answers_each=4)
    before = cards(repo)
    with pytest.raises(ValueError, match="parameters"):
        run(repo, fit=lambda logs: [100.0] * 21)
    assert repo.get_fsrs_parameters(WS) is None
    assert cards(repo) == before


def test_the_real_optimizer_fits_a_workspace(repo: SqliteRepository) -> None:
    require_optimizer()
    fill_workspace(repo, START, learners=12, questions=15, answers_each=4)

    report = run(repo)

    assert report.outcome == "fitted"
    assert report.fitted is not None
    assert len(report.fitted.parameters) == 21
    assert report.fitted.parameters != FSRS_DEFAULTS, "540 reviews are enough for fsrs to move its parameters"
    assert repo.get_fsrs_parameters(WS) == report.fitted
    assert report.cards == 180
    user, card = cards(repo)[0]
    assert card.state_json == replayed(repo, user, card.question_id, 0.9, report.fitted.parameters)


def test_a_run_stopped_half_way_keeps_its_batches_and_a_second_run_finishes(repo: SqliteRepository, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_workspace(repo, START, learners=12, questions=15, answers_each=4)
    before = {(u, c.question_id): c.state_json for u, c in cards(repo)}
    real = repo.reschedule_cards
    calls: list[int] = []

    def fails_on_the_second_batch(*args: object) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise StoreUnavailable("disk full")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repo, "reschedule_cards", fails_on_the_second_batch)
    with pytest.raises(StoreUnavailable):
        run(repo, fit=lambda logs: GIVEN, batch=100)
    changed = [key for u, c in cards(repo) if before[key := (u, c.question_id)] != c.state_json]
    assert 0 < len(changed) <= 100, "the first batch is committed, the second is not"
    monkeypatch.setattr(repo, "reschedule_cards", real)

    report = run(repo, fit=lambda logs: GIVEN, batch=100)

    assert (report.cards, report.batches) == (180, 2)
    assert all(c.state_json == replayed(repo, u, c.question_id, 0.9, GIVEN) for u, c in cards(repo))
    assert "run the command again to finish" in words.stopped("disk full")

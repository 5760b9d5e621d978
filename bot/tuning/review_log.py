"""A workspace's review log for the FSRS optimizer, built from the rows ``export`` writes as fsrs-revlog.csv.

``bot.export.revlog`` maps one learner's answers to the optimizer's columns; the optimizer here gets the
same rows for every learner, with each card id made distinct per learner (the export's ``card_id`` names a
question, and two learners' histories of one question are two cards, not one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from itertools import pairwise

from fsrs import Rating, ReviewLog

from bot.export.revlog import Replay, revlog
from bot.store.records import LearnerAnswers

MIN_REVIEWS = 512
"""fsrs's Optimizer fits nothing below one mini-batch of 512 reviews: it hands back its defaults."""
MAX_SEQUENCE = 64
"""The optimizer reads at most a card's first 64 reviews; counting more would promise a fit that is not there."""
CARD_ID_BITS = 48  # export's card ids are below 2**48


def review_logs(history: Iterable[LearnerAnswers], replay: Replay) -> list[ReviewLog]:
    """Every learner's export rows as fsrs ReviewLogs: rating 3 (right) or 1 (wrong), at the answer's time."""
    logs = []
    for index, learner in enumerate(history):
        for row in revlog(learner.answers, replay):
            at = datetime.fromtimestamp(row.review_time / 1000, UTC)
            logs.append(ReviewLog((index << CARD_ID_BITS) | row.card_id, Rating(row.review_rating), at, row.review_duration))
    return logs


def countable_reviews(logs: Sequence[ReviewLog]) -> int:
    """The reviews the optimizer learns from, counted as it counts them: of each card's first 64 answers,
    those a day or more after the previous one (a first answer, or a same-day repeat, predicts nothing)."""
    by_card: dict[int, list[datetime]] = {}
    for log in logs:
        by_card.setdefault(log.card_id, []).append(log.review_datetime)
    return sum(_spaced(sorted(times)[:MAX_SEQUENCE]) for times in by_card.values())


def _spaced(times: Sequence[datetime]) -> int:
    return sum(1 for before, after in pairwise(times) if (after - before).days > 0)


Fitter = Callable[[list[ReviewLog]], Sequence[float]]
"""``review logs -> FSRS parameters``: fsrs's Optimizer, or given parameters in tests."""

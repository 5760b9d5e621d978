"""Spaced repetition with FSRS, behind a small interface so the rest of the core never sees fsrs types.

Learning steps are turned off: this is a once-a-day companion, so a missed question comes back the
next day and a known one a few days later, rather than minutes later. Fuzzing is off so schedules are
reproducible in tests and identical for learners with identical histories.

Each card is scheduled with its learner's desired retention (``settings retention``) and its workspace's
parameters (FSRS's defaults until ``aipm reviews optimize`` fits them); one fsrs ``Scheduler`` is kept per
(parameters, retention) pair, so a request builds none.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from fsrs import Card, Rating, ReviewLog, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

DEFAULT_RETENTION = 0.9
MIN_RETENTION = 0.80
MAX_RETENTION = 0.97
"""The range ``settings retention`` accepts: below 0.80 reviews come so late that most are forgotten; above
0.97 they come so often that the workload explodes for little gain (FSRS's own advice)."""
FSRS_DEFAULTS: tuple[float, ...] = tuple(DEFAULT_PARAMETERS)
_CARD_ID = 1  # the bot keeps one card per (learner, question) row; fsrs only needs ids to match its logs


@dataclass(frozen=True)
class ScheduledCard:
    state_json: str
    due_at: datetime
    stability: float | None


@lru_cache(maxsize=256)
def scheduler_for(parameters: tuple[float, ...], retention: float) -> Scheduler:
    """The fsrs scheduler for one workspace's parameters and one retention, built once per process."""
    return Scheduler(parameters=parameters, desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def check_parameters(parameters: Sequence[float]) -> None:
    """Raise ValueError, naming each bad one, unless fsrs accepts all 21 parameters."""
    scheduler_for(tuple(float(p) for p in parameters), DEFAULT_RETENTION)


class ReviewScheduler:
    def __init__(self, desired_retention: float = DEFAULT_RETENTION) -> None:
        self.default_retention = desired_retention

    def record(self, state_json: str | None, correct: bool, at: datetime, retention: float | None = None,
               parameters: Sequence[float] | None = None) -> ScheduledCard:
        """Fold one answer into the card: correct is ``Good``, wrong is ``Again`` (due sooner)."""
        if at.tzinfo is None:
            raise ValueError("review times must be timezone-aware")
        card = Card.from_dict(json.loads(state_json)) if state_json else Card(card_id=_CARD_ID, due=at.astimezone(UTC))
        scheduler = self._scheduler(retention, parameters)
        updated, _log = scheduler.review_card(card, _rating(correct), review_datetime=at.astimezone(UTC))
        return _scheduled(updated)

    def replay(self, history: Sequence[tuple[datetime, bool]], retention: float | None = None,
               parameters: Sequence[float] | None = None) -> ScheduledCard:
        """The card as if every answer in ``history`` had been scheduled with these parameters and retention
        (fsrs's ``reschedule_card``): what ``aipm reviews optimize`` writes after a fit."""
        if not history:
            raise ValueError("a card without answers has nothing to replay")
        logs = [ReviewLog(_CARD_ID, _rating(correct), at.astimezone(UTC), None) for at, correct in history]
        first = min(at for at, _ in history).astimezone(UTC)
        card = self._scheduler(retention, parameters).reschedule_card(Card(card_id=_CARD_ID, due=first), logs)
        return _scheduled(card)

    def retrievability(self, state_json: str, at: datetime, parameters: Sequence[float] | None = None) -> float:
        """FSRS's probability that the learner would recall this card at ``at`` (0 to 1), from its stored state
        (it depends on the parameters, not on the desired retention)."""
        if at.tzinfo is None:
            raise ValueError("review times must be timezone-aware")
        card = Card.from_dict(json.loads(state_json))
        return float(self._scheduler(None, parameters).get_card_retrievability(card, at.astimezone(UTC)))

    def _scheduler(self, retention: float | None, parameters: Sequence[float] | None) -> Scheduler:
        chosen = FSRS_DEFAULTS if parameters is None else tuple(float(p) for p in parameters)
        return scheduler_for(chosen, self.default_retention if retention is None else float(retention))


def _rating(correct: bool) -> Rating:
    return Rating.Good if correct else Rating.Again


def _scheduled(card: Card) -> ScheduledCard:
    return ScheduledCard(
        state_json=json.dumps(card.to_dict(), separators=(",", ":")),
        due_at=card.due.astimezone(UTC),
        stability=card.stability,
    )

"""Spaced repetition with FSRS, behind a small interface so the rest of the core never sees fsrs types.

Learning steps are turned off: this is a once-a-day companion, so a missed question comes back the
next day and a known one a few days later, rather than minutes later. Fuzzing is off so schedules are
reproducible in tests and identical for learners with identical histories.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler


@dataclass(frozen=True)
class ScheduledCard:
    state_json: str
    due_at: datetime
    stability: float | None


class ReviewScheduler:
    def __init__(self, desired_retention: float = 0.9) -> None:
        self._scheduler = Scheduler(
            desired_retention=desired_retention,
            learning_steps=(),
            relearning_steps=(),
            enable_fuzzing=False,
        )

    def record(self, state_json: str | None, correct: bool, at: datetime) -> ScheduledCard:
        """Fold one answer into the card: correct is ``Good``, wrong is ``Again`` (due sooner)."""
        if at.tzinfo is None:
            raise ValueError("review times must be timezone-aware")
        card = Card.from_dict(json.loads(state_json)) if state_json else Card(card_id=1, due=at.astimezone(UTC))
        rating = Rating.Good if correct else Rating.Again
        updated, _log = self._scheduler.review_card(card, rating, review_datetime=at.astimezone(UTC))
        return ScheduledCard(
            state_json=json.dumps(updated.to_dict(), separators=(",", ":")),
            due_at=updated.due.astimezone(UTC),
            stability=updated.stability,
        )

    def retrievability(self, state_json: str, at: datetime) -> float:
        """FSRS's probability that the learner would recall this card at ``at`` (0 to 1), from its stored state."""
        if at.tzinfo is None:
            raise ValueError("review times must be timezone-aware")
        return float(self._scheduler.get_card_retrievability(Card.from_dict(json.loads(state_json)), at.astimezone(UTC)))

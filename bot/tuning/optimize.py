"""``aipm reviews optimize --workspace ID``: fit FSRS to the workspace's reviews, store it, reschedule every card.

Below ``MIN_REVIEWS`` nothing is fitted or changed; the report says how many more reviews it needs. After a
fit the parameters are stored first (new answers use them at once), then every card is replayed through
fsrs's ``reschedule_card`` with its own answers, its learner's retention and the new parameters, in batches
of one transaction each. A run stopped half-way leaves cards that are each either old or new, and running
it again finishes the job: replaying is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.clock import Clock
from bot.reviews import ReviewScheduler, ScheduledCard, check_parameters
from bot.store.records import AnswerRow, CardKey, FittedParameters
from bot.store.repository import Repository
from bot.tuning.fit import fit_with_optimizer, missing_packages
from bot.tuning.review_log import MIN_REVIEWS, Fitter, countable_reviews, review_logs

BATCH = 200
"""Cards per rescheduling transaction: short enough that answers waiting on a learner's lock barely notice."""

Outcome = Literal["unknown workspace", "too few reviews", "optimizer missing", "fitted"]


@dataclass(frozen=True)
class OptimizeReport:
    workspace_id: str
    outcome: Outcome
    reviews: int = 0
    """Reviews the optimizer learns from (repeats a day or more apart), counted before fitting."""
    answers: int = 0
    fitted: FittedParameters | None = None
    cards: int = 0
    """Cards rescheduled with the fitted parameters."""
    batches: int = 0
    known_workspaces: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def needed(self) -> int:
        return max(0, MIN_REVIEWS - self.reviews)


def optimize_workspace(repo: Repository, clock: Clock, reviews: ReviewScheduler, workspace_id: str, fit: Fitter | None = None,
                       batch: int = BATCH, progress: Callable[[int], None] | None = None) -> OptimizeReport:
    """Fit and reschedule, or say why not; ``fit`` defaults to fsrs's Optimizer (torch), tests give parameters."""
    if repo.get_workspace(workspace_id) is None:
        return OptimizeReport(workspace_id, "unknown workspace", known_workspaces=tuple(w.id for w in repo.list_workspaces(10)))
    history = repo.workspace_answers(workspace_id)
    logs = review_logs(history, lambda state, correct, at: reviews.record(state, correct, at).state_json)
    counted = countable_reviews(logs)
    if counted < MIN_REVIEWS:
        return OptimizeReport(workspace_id, "too few reviews", counted, len(logs))
    if fit is None:
        missing = missing_packages()
        if missing:
            return OptimizeReport(workspace_id, "optimizer missing", counted, len(logs), missing=tuple(missing))
        fit = fit_with_optimizer
    fitted = FittedParameters(tuple(float(p) for p in fit(logs)), counted, clock.now())
    check_parameters(fitted.parameters)  # nothing out of fsrs's bounds is ever stored
    repo.set_fsrs_parameters(workspace_id, fitted)
    cards, batches = reschedule_workspace(repo, reviews, workspace_id, fitted.parameters, batch, progress)
    return OptimizeReport(workspace_id, "fitted", counted, len(logs), fitted, cards, batches)


def reschedule_workspace(repo: Repository, reviews: ReviewScheduler, workspace_id: str, parameters: Sequence[float] | None,
                         batch: int = BATCH, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Replay every card of the workspace with ``parameters``; returns (cards rewritten, transactions)."""

    def reschedule(retention: float, answers: Sequence[AnswerRow]) -> ScheduledCard:
        return reviews.replay([(a.answered_at, a.correct) for a in answers], retention, parameters)

    cards = batches = 0
    after: CardKey | None = None
    while keys := repo.card_keys(workspace_id, after, batch):
        cards += repo.reschedule_cards(workspace_id, keys, reschedule)
        batches += 1
        after = keys[-1]
        if progress is not None:
            progress(cards)
    return cards, batches

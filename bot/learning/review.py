"""``review``: the most overdue card whose question is still in the course, with how many more are due."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.learning.quizzes import show_question
from bot.messages import Reply
from bot.render.learning import nothing_to_review, review_note
from bot.reports.pausing import paused_questions
from bot.store.records import CardRow, Learner


@dataclass(frozen=True)
class DueReviews:
    """A learner's reviews due at one instant: how many in all, and the first ``batch``, most overdue first."""

    total: int
    batch: tuple[CardRow, ...]


def due_reviews(deps: Deps, learner: Learner, now: datetime, batch: int = 0) -> DueReviews:
    """The one definition of "reviews due now" that review, stats and home all state.

    A card counts when it is due at ``now``, its question is still in the course and it is not paused in the
    workspace (reported by enough learners there): neither can be asked, so neither is a review anyone can do.
    """
    every = deps.repo.count_due(learner.workspace_id, learner.user_id, now)
    cards = deps.repo.due_cards(learner.workspace_id, learner.user_id, now, every) if every else []
    paused = paused_questions(deps, learner.workspace_id) if cards else frozenset()
    askable = [c for c in cards if c.question_id in deps.content.questions and c.question_id not in paused]
    return DueReviews(total=len(askable), batch=tuple(askable[:batch]))


@handles(cmd.Review)
def review(deps: Deps, asker: Asker, command: cmd.Review) -> Reply:
    learner = asker.learner
    due = due_reviews(deps, learner, deps.clock.now(), deps.review_batch)
    if not due.batch:
        upcoming = deps.repo.next_card(learner.workspace_id, learner.user_id)
        return nothing_to_review(upcoming.due_at if upcoming else None, learner.tz, asker.say)
    shown = show_question(deps, asker.ctx, learner, due.batch[0].question_id, "Review", note=review_note(due.total, len(due.batch)))
    return replace(shown, counts=replace(shown.counts, reviews_due=due.total))

"""The home summary (Slack's App Home): streak, today's tip, reviews due, buttons to start, and the progress card.

The card is the one ``stats`` shows, drawn only when an adapter reads its bytes; its key lets the adapter
keep the upload it made while nothing on the card changed."""

from __future__ import annotations

from bot.deps import Deps
from bot.learning.review import due_reviews
from bot.learning.tips import next_tip_id
from bot.messages import Reply
from bot.progress.stats import progress_card_of
from bot.progress.streak import streak_of
from bot.render.progress import home_reply
from bot.store.records import Learner


def home(deps: Deps, learner: Learner) -> Reply:
    """The tip shown is the one last read (so the tab does not change under the learner), else the next one."""
    state = streak_of(deps, learner)
    due = due_reviews(deps, learner, deps.clock.now()).total
    tip_id = deps.repo.last_tip_id(learner.workspace_id, learner.user_id) or next_tip_id(deps, learner)[0]
    tip = deps.content.tips[tip_id]
    counts = deps.repo.answer_counts_by_question(learner.workspace_id, learner.user_id)
    card = progress_card_of(deps, learner, state, due, counts)
    return home_reply(state, due, tip, deps.content.track_title(tip.track_id), card)

"""``stats``: answers, accuracy by topic, streak and reviews due, with the progress card as a picture."""

from __future__ import annotations

from collections import defaultdict

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.learners import workspace_tz
from bot.learning.review import due_reviews
from bot.messages import Image, Reply
from bot.progress.leaderboard import week_bounds
from bot.progress.streak import streak_of
from bot.render.progress import stats_reply
from bot.store.records import Learner
from bot.streaks import StreakState, local_date

TOPICS_SHOWN = 8


@handles(cmd.Stats)
def stats(deps: Deps, asker: Asker, command: cmd.Stats) -> Reply:
    learner = asker.learner
    counts = deps.repo.answer_counts_by_question(learner.workspace_id, learner.user_id)
    by_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for qid, n, ok in counts:
        question = deps.content.questions.get(qid)
        for tag in question.tags if question else ():
            by_topic[tag][0] += n
            by_topic[tag][1] += ok
    state = streak_of(deps, learner)
    due = due_reviews(deps, learner, deps.clock.now()).total
    topics = sorted(by_topic.items(), key=lambda item: (-item[1][0], item[0]))[:TOPICS_SHOWN]
    return stats_reply(
        sum(c[1] for c in counts), sum(c[2] for c in counts), state, due, [(tag, n, ok) for tag, (n, ok) in topics],
        progress_card_of(deps, learner, state, due, counts),
    )


def progress_card_of(deps: Deps, learner: Learner, state: StreakState, due: int, counts: list[tuple[str, int, int]]) -> Image:
    """The stats as one picture; matplotlib is imported only when a card is drawn."""
    from bot.progress_card import ProgressCard, TrackAccuracy, alt_text, card_key, progress_card

    by_track: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for qid, n, ok in counts:
        question = deps.content.questions.get(qid)
        if question is not None:
            by_track[question.track_id][0] += n
            by_track[question.track_id][1] += ok
    since, until = week_bounds(workspace_tz(deps, learner.workspace_id), deps.clock.now())  # the leaderboard's week
    card = ProgressCard(
        name=learner.display_name or learner.user_id, today=local_date(deps.clock.now(), learner.tz),
        current_streak=state.current, best_streak=state.best, freezes=state.freezes, reviews_due=due,
        points_this_week=deps.repo.points_between(learner.workspace_id, learner.user_id, since, until),
        answers_by_day={a.day: a.answered for a in deps.repo.activity(learner.workspace_id, learner.user_id)},
        tracks=tuple(TrackAccuracy(deps.content.track_title(track), n, ok) for track, (n, ok) in by_track.items()),
    )
    return Image(png=lambda: progress_card(card), filename="progress.png", alt=alt_text(card), key=card_key(card))  # drawn when sent

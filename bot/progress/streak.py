"""``streak``: consecutive local days with an answer, with freezes and time-zone moves taken into account."""

from __future__ import annotations

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply
from bot.render.progress import streak_reply
from bot.store.records import Learner
from bot.streaks import StreakState, compute_streak, excused_by_tz_change, local_date


def streak_of(deps: Deps, learner: Learner) -> StreakState:
    """The learner's streak today, in their own zone; a day lost to moving zones is excused."""
    today = local_date(deps.clock.now(), learner.tz)
    days = [a.day for a in deps.repo.activity(learner.workspace_id, learner.user_id)]
    excused = [
        d for change in deps.repo.tz_changes(learner.workspace_id, learner.user_id)
        for d in excused_by_tz_change(change.changed_at, change.old_tz, change.new_tz)
    ]
    return compute_streak(days, today, excused)


@handles(cmd.Streak)
def streak(deps: Deps, asker: Asker, command: cmd.Streak) -> Reply:
    return streak_reply(streak_of(deps, asker.learner))

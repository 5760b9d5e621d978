"""``tip``: the next unread tip of the learner's track, and once all are read, the one after the last shown."""

from __future__ import annotations

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply
from bot.render.learning import all_tips_read, tip_reply
from bot.store.records import Learner


def next_tip_id(deps: Deps, learner: Learner) -> tuple[str, bool]:
    """The tip to show next, and whether it is a repeat (every tip of the track was read)."""
    order = deps.content.tip_order(deps.content.followed(learner.track))
    seen = deps.repo.seen_tip_ids(learner.workspace_id, learner.user_id)
    for tip_id in order:
        if tip_id not in seen:
            return tip_id, False
    last = deps.repo.last_tip_id(learner.workspace_id, learner.user_id)
    index = (order.index(last) + 1) % len(order) if last in order else 0
    return order[index], True


@handles(cmd.Tip)
def tip(deps: Deps, asker: Asker, command: cmd.Tip) -> Reply:
    learner = asker.learner
    tip_id, repeat = next_tip_id(deps, learner)
    shown = deps.content.tips[tip_id]
    deps.repo.record_tip_view(learner.workspace_id, learner.user_id, tip_id, deps.clock.now())
    return tip_reply(shown, deps.content.track_title(shown.track_id), all_tips_read(asker.say) if repeat else "")

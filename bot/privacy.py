"""``forget-me``: ask once, then delete everything about the learner in this workspace.

A bare ``yes``/``no`` answers the question for a few minutes after it was asked; after that (or after a
restart, since the question is remembered per process) it answers nothing.
"""

from __future__ import annotations

from datetime import timedelta

from bot import commands as cmd
from bot.context import Context
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply
from bot.render.privacy import forget_question, forgotten, kept, not_waiting

CONFIRM_WITHIN = timedelta(minutes=5)  # how long a bare `yes` still answers "Are you sure?"


@handles(cmd.ForgetMe)
def forget_me(deps: Deps, asker: Asker, command: cmd.ForgetMe) -> Reply:
    key = (asker.learner.workspace_id, asker.learner.user_id)
    deps.forget_asked_at.pop(key, None)
    if not command.confirmed:
        deps.forget_asked_at[key] = deps.clock.now()
        return forget_question(asker.say)
    return forgotten(deps.repo.delete_learner(*key), asker.say)


@handles(cmd.Confirm)
def confirm(deps: Deps, asker: Asker, command: cmd.Confirm) -> Reply:
    """A bare yes or no answers the "Are you sure?" this learner was asked in the last few minutes."""
    asked_at = deps.forget_asked_at.pop((asker.learner.workspace_id, asker.learner.user_id), None)
    if asked_at is None or deps.clock.now() - asked_at > CONFIRM_WITHIN:
        return not_waiting(asker.say)
    if command.yes:
        return forget_me(deps, asker, cmd.ForgetMe(confirmed=True))
    return kept()


def cancel_forget(deps: Deps, ctx: Context) -> Reply:
    """The Cancel button: nothing is deleted, and the question is no longer pending."""
    deps.forget_asked_at.pop((ctx.workspace_id, ctx.user_id), None)
    return kept(replace_original=True)

"""``help`` and small talk: what to say to someone who does not know the commands yet."""

from __future__ import annotations

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply
from bot.render.help import admin_help_reply, greeting_reply, help_reply


@handles(cmd.Help)
def show_help(deps: Deps, asker: Asker, command: cmd.Help) -> Reply:
    return help_reply(asker.ctx.platform)


@handles(cmd.Greet)
def greet(deps: Deps, asker: Asker, command: cmd.Greet) -> Reply:
    return greeting_reply(command.mood, asker.say, asker.ctx.display_name)


@handles(cmd.AdminHelp)
def show_admin_help(deps: Deps, asker: Asker, command: cmd.AdminHelp) -> Reply:
    return admin_help_reply(asker.ctx.platform)

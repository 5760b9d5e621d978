"""The words for someone finding their way: the command list, small talk, and the first-time zone hint."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import COMMAND_TABLE
from bot.commands.syntax import Syntax, written
from bot.messages import ACTION_START_QUIZ, Button, Reply, Section

_HOW_TO_SEND = {
    "console": "type each one here",
    "slack": "send each after `/aipm`, e.g. `/aipm quiz`",
    "discord": "pick each from Discord's `/aipm` menu; it suggests the options as you type",
}


def help_reply(platform: str = "slack") -> Reply:
    """The command list, with how to send a command on the asker's platform."""
    lines = [f"`{written(spec, platform)}` — {spec.summary}" for spec in COMMAND_TABLE if spec.in_help]
    how = _HOW_TO_SEND.get(platform, _HOW_TO_SEND["slack"])
    text = f"Here's what I can do ({how}):\n" + "\n".join(lines)
    return Reply(text=text, kind="help", sections=(Section(title="aipm-companion", text=text),), private=True)


def admin_help_reply(platform: str = "slack") -> Reply:
    """The commands under ``admin``: what an admin can do to look after the bot here."""
    specs = [spec for spec in COMMAND_TABLE if spec.words[0] == "admin" and len(spec.words) > 1]  # nested ones too
    lines = [f"`{written(spec, platform)}` — {spec.summary}" for spec in specs if spec.in_help]
    text = "Admin commands:\n" + "\n".join(lines) if lines else "Admin commands: none yet."
    return Reply(text=text, kind="help", sections=(Section(title="Admin", text=text),), private=True)


def tz_hint(say: Syntax) -> str:
    return (f"🕒 I don't know your time zone yet, so streak days follow UTC. Set it with {say.usage('settings tz')}, "
            f"e.g. {say('settings tz', zone='Europe/Berlin')}.")


def greeting_reply(mood: str, say: Syntax, name: str = "") -> Reply:
    """Small talk gets a short answer and the two commands that get someone going."""
    hello = f"Hi {name}! 👋" if name else "Hi! 👋"
    tip, quiz = say("tip"), say("quiz")
    text = {
        "hello": f"{hello} Try {tip} for today's tip or {quiz} for a question. {say('help')} lists everything.",
        "thanks": f"You're welcome! Send {quiz} when you're ready for another, or {tip} for something to read.",
        "bye": "Bye! There's nothing to close here: I answer whenever you message me. Keep the streak going. 🔥",
    }.get(mood, f"{hello} Try {tip} or {quiz}.")
    buttons = (Button("Start a quiz", ACTION_START_QUIZ, "greeting", "primary"),) if mood != "bye" else ()
    return Reply(text=text, kind="help", sections=(Section(text=text, buttons=buttons),), private=True)


def with_tz_hint(reply: Reply, say: Syntax) -> Reply:
    """A first reply to a learner whose zone nobody could tell us says how to set it."""
    hint = Section(text=tz_hint(say))
    return replace(reply, sections=(*reply.sections, hint), text=f"{reply.text}\n{hint.text}", tz_hint=True)

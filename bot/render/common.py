"""The reply shapes every use case shares: a plain note, and the two apologies for a failure on our side."""

from __future__ import annotations

from bot.commands.syntax import Syntax
from bot.messages import Reply, ReplyKind, Section

OOPS = "Something went wrong on my side and nothing was changed. Please try again; if it keeps happening, tell your admin."
TRY_AGAIN = "I couldn't save that just now (the database is busy or unavailable). Nothing was changed; please try again in a moment."


def unknown_button(say: Syntax) -> str:
    return f"I don't recognise that button. Send {say('help')} to see what I can do."


def unknown_command(say: Syntax) -> str:
    return f"I don't know that command. Try {say('help')}."


def counted(n: int, noun: str) -> str:
    """``1 point``, ``2 points``: a number with its noun as a person says it."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def info_reply(kind: ReplyKind, text: str) -> Reply:
    """One private paragraph: most confirmations are no more than that."""
    return Reply(text=text, kind=kind, sections=(Section(text=text),), private=True)

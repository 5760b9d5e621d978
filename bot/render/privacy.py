"""The words of forget-me: the question, the answer either way, and what was deleted."""

from __future__ import annotations

from bot.commands.syntax import Syntax
from bot.messages import ACTION_FORGET_CANCEL, ACTION_FORGET_CONFIRM, Button, Reply, Section
from bot.render.common import info_reply

KEPT = "Okay, I kept everything as it was."


def forget_question(say: Syntax) -> Reply:
    """The buttons ask; the fallback text says what to type instead, where typing it works."""
    text = "This deletes your answers, streak, reviews and settings here. It cannot be undone. Are you sure?"
    buttons = (
        Button("Yes, delete my data", ACTION_FORGET_CONFIRM, "confirm", "danger"),
        Button("Cancel", ACTION_FORGET_CANCEL, "cancel"),
    )
    yes, confirm, no = say.typed("yes"), say.typed("forget-me confirm"), say.typed("no")
    how = f" Reply {yes} or send {confirm} to go ahead; {no} keeps everything." if yes else " Press a button to go ahead or to keep everything."
    return Reply(text=text + how, kind="forget", sections=(Section(text=text, buttons=buttons),))


def forgotten(removed: int, say: Syntax) -> Reply:
    return info_reply("forget", f"Done: I deleted everything I had about you here ({removed} records). Send {say('quiz')} any time to start fresh.")


def kept(replace_original: bool = False) -> Reply:
    if replace_original:
        return Reply(text=KEPT, kind="forget", sections=(Section(text=KEPT),), replace_original=True)
    return info_reply("forget", KEPT)


def not_waiting(say: Syntax) -> Reply:
    return info_reply("help", f"I wasn't waiting for a yes or no. Send {say('help')} to see what I can do.")

"""The words of forget-me: the question, the answer either way, and what was deleted."""

from __future__ import annotations

from bot.messages import ACTION_FORGET_CANCEL, ACTION_FORGET_CONFIRM, Button, Reply, Section
from bot.render.common import info_reply

KEPT = "Okay, I kept everything as it was."
NOT_WAITING = "I wasn't waiting for a yes or no. Send `help` to see what I can do."


def forget_question() -> Reply:
    text = "This deletes your answers, streak, reviews and settings here. It cannot be undone. Are you sure?"
    buttons = (
        Button("Yes, delete my data", ACTION_FORGET_CONFIRM, "confirm", "danger"),
        Button("Cancel", ACTION_FORGET_CANCEL, "cancel"),
    )
    return Reply(text=text + " Reply `yes` or send `forget-me confirm` to go ahead; `no` keeps everything.", kind="forget", sections=(Section(text=text, buttons=buttons),))


def forgotten(removed: int) -> Reply:
    return info_reply("forget", f"Done: I deleted everything I had about you here ({removed} records). Send `quiz` any time to start fresh.")


def kept(replace_original: bool = False) -> Reply:
    if replace_original:
        return Reply(text=KEPT, kind="forget", sections=(Section(text=KEPT),), replace_original=True)
    return info_reply("forget", KEPT)


def not_waiting() -> Reply:
    return info_reply("help", NOT_WAITING)

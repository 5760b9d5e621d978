"""The words of ``export``: what the file holds, or that there is nothing behind the profile yet."""

from __future__ import annotations

from bot.commands.syntax import Syntax
from bot.messages import Attachment, Reply, Section
from bot.store.records import LearnerExport

TITLE = "Your data export"
ZIP_MIME = "application/zip"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def holds_nothing_yet(data: LearnerExport) -> bool:
    """Only the profile the bot keeps for anyone who talks to it: no answer, quiz, tip, zone move or subscription."""
    return not (data.answers or data.quizzes or data.tips or data.tz_changes or data.subscriptions or data.cards or data.activity)


def export_reply(data: LearnerExport, filename: str, content: bytes, say: Syntax) -> Reply:
    if holds_nothing_yet(data):
        text = ("I hold nothing about you here yet beyond your profile (your name, time zone and settings); the file has "
                f"just that, in the same format. Send {say('quiz')} to start, and {say('export')} again any time.")
    else:
        counts = ", ".join((
            _plural(len(data.answers), "answer"), _plural(len(data.tips), "tip") + " seen",
            _plural(len(data.activity), "active day"), _plural(len(data.tz_changes), "time-zone change"),
            _plural(len(data.subscriptions), "subscription"),
        ))
        text = (f"Everything I hold about you here: {counts}, your review cards and your settings.\n"
                "• `aipm-export.json`: all of it, readable.\n"
                "• `fsrs-revlog.csv`: your review log in the FSRS optimizer's columns, to take your schedule to Anki or "
                "another FSRS tool.\n"
                f"Only you get this file. {say('forget-me')} deletes everything in it.")
    attachment = Attachment(filename, content, ZIP_MIME, TITLE)
    return Reply(text=f"{TITLE}\n{text}", kind="export", sections=(Section(title=TITLE, text=text),), attachment=attachment, private=True)

"""The words for a workspace's own tracks: importing one, listing them, removing one."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands.syntax import Syntax
from bot.messages import Reply, Section, error_reply
from bot.render.common import counted, info_reply
from bot.render.example_track import EXAMPLE_TRACK
from bot.store.records import WorkspaceTrack

PROBLEMS_SHOWN = 15


def no_file_expected(say: Syntax) -> str:
    return f"That command takes no file. Send {say.usage('admin import')} with a YAML track file to add a track."


def no_tracks_yet(say: Syntax) -> str:
    """Self-contained: a hosted admin has no copy of the course to look at, so the reply holds a file to start from."""
    return (
        "This workspace has no tracks of its own yet. A track is one YAML file in the course's format; here is a small "
        f"one to start from. Save it as a `.yaml` file, make it yours, and send it with {say.usage('admin import')}.\n"
        f"```yaml\n{EXAMPLE_TRACK}```"
    )


def send_the_file(say: Syntax, minutes: int) -> Reply:
    """What ``admin import`` without a file says: where the file goes on this platform."""
    how = {
        "console": f"Name the file: {say('admin import', file='path/to/track.yaml')}.",
        "discord": f"Attach the file: {say('admin import', file='')} and pick your YAML file.",
    }.get(say.platform, f"Send me the YAML file in a direct message (my Messages tab) within {minutes} minutes, and I'll import it and answer there.")
    return info_reply("info", f"📥 Ready for your track. {how} It must be in the course's format; nothing is stored unless the whole file is valid.")


def import_refused(filename: str, problems: Sequence[str]) -> Reply:
    """Every problem as ``file:line: reason``, so the author can fix the file and send it again."""
    shown = list(problems[:PROBLEMS_SHOWN])
    more = len(problems) - len(shown)
    lines = "\n".join(f"• {p}" for p in shown) + (f"\n…and {more} more." if more > 0 else "")
    return error_reply(f"I didn't import {filename}: {counted(len(problems), 'problem')}. Nothing was stored; fix the file and send it again.\n{lines}")


def too_many_tracks(limit: int, say: Syntax) -> Reply:
    return error_reply(
        f"This workspace already has {limit} tracks of its own, the most it can hold. Remove one with {say.usage('admin content remove')} first."
    )


def unreadable_file(filename: str, reason: str) -> Reply:
    return error_reply(f"I couldn't read {filename}: {reason}. Nothing was stored.")


def imported(track_id: str, title: str, tips: int, questions: int, version: int, advice: Sequence[str], say: Syntax) -> Reply:
    """The track is live here; the audit's findings follow as advice, never as a refusal."""
    verb = "Imported" if version == 1 else f"Replaced with version {version}:"
    text = (
        f"✅ {verb} **{title}** (`{track_id}`), {counted(tips, 'tip')} and {counted(questions, 'question')}. Learners here see it in "
        f"{say('tracks')} and follow it with {say('track', name=track_id)}; no other workspace sees it."
    )
    if version > 1:
        text += " Learners' earlier answers stay in their history."
    sections = [Section(text=text)]
    if advice:
        note = "Advice from the question audit (the track is imported either way):\n" + "\n".join(f"• {a}" for a in advice)
        sections.append(Section(title="Audit", text=note))
        text += "\n" + note
    return Reply(text=text, kind="info", sections=tuple(sections), private=True)


def content_list(tracks: Sequence[WorkspaceTrack], titles: dict[str, str], say: Syntax) -> Reply:
    if not tracks:
        return info_reply("info", no_tracks_yet(say))
    lines = [
        f"• `{t.track_id}` {titles.get(t.track_id, '')}: version {t.version}, {t.imported_at:%Y-%m-%d %H:%M} UTC"
        + (f" by {t.imported_by}" if t.imported_by else "") + f" ({t.filename})"
        for t in tracks
    ]
    text = "This workspace's own tracks:\n" + "\n".join(lines) + f"\nRemove one with {say.usage('admin content remove')}."
    return info_reply("info", text)


def removed(track_id: str) -> Reply:
    return info_reply("info", f"🗑️ Removed `{track_id}`. Nobody here can follow it now (its followers go back to the guided path); answers to it stay in learners' history.")


def not_ours(track_id: str, is_course: bool, say: Syntax) -> Reply:
    if is_course:
        return error_reply(f"`{track_id}` is one of the course's tracks; only this workspace's own tracks can be removed. {say('admin content')} lists them.")
    return error_reply(f"This workspace has no track of its own called `{track_id}`. {say('admin content')} lists them.")

"""The words of ``team`` and of the weekly admin report: counts and shares about the team, never a person."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.commands.syntax import Syntax
from bot.messages import Image, Reply, Section
from bot.render.common import counted, info_reply
from bot.render.topics import topic_title
from bot.team.figures import MIN_LEARNERS, GroupRow, TeamFigures

TOPICS_SHOWN = 10
OTHER_TOPICS = f"Other topics (fewer than {MIN_LEARNERS} learners each)"
OTHER_TRACKS = f"Other tracks (fewer than {MIN_LEARNERS} learners each)"
THIS_WEEK = ("this week", "last week")
LAST_WEEK = ("last week", "the week before")


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def title(figures: TeamFigures) -> str:
    return f"Team report · week of {figures.week_start:%a %d %b}"


TOO_FEW = (f"Too few learners for a team report yet: it needs at least {MIN_LEARNERS} people who have answered a quiz here, "
           "so that nobody's figures stand alone.")


def too_few_text(say: Syntax) -> str:
    return f"{TOO_FEW} Invite the team to send {say('quiz')}, then ask again."


def _track_line(row: GroupRow, name: str) -> str:
    if not row.shown:
        return f"• {name}: not shown (fewer than {MIN_LEARNERS} learners, even together)"
    return f"• {name}: {_share(row.accuracy)} right of {counted(row.answered, 'answer')} · {counted(row.learners, 'learner')}"


def _topic_line(row: GroupRow, name: str) -> str:
    if not row.shown:
        return f"• {name}: not shown (fewer than {MIN_LEARNERS} learners, even together)"
    memory = f"{_share(row.recall_now)} → {_share(row.recall_later)}" if row.recall_now is not None else "no reviews yet"
    return f"• {name}: {memory} · {_share(row.accuracy)} right · {counted(row.learners, 'learner')}"


def people_text(figures: TeamFigures, weeks: tuple[str, str] = THIS_WEEK) -> str:
    streaks = " · ".join(f"{label} **{count}**" for label, count in figures.streaks)
    return (f"Active learners: **{figures.active[0]}** {weeks[0]}, **{figures.active[1]}** {weeks[1]} "
            f"({figures.learners} have answered here so far).\nStreaks now (learners): {streaks}")


def tracks_text(figures: TeamFigures, titles: Mapping[str, str]) -> str:
    lines = [_track_line(row, titles.get(row.key or "", row.key or "")) for row in figures.tracks]
    if figures.other_tracks is not None:
        lines.append(_track_line(figures.other_tracks, OTHER_TRACKS))
    return "\n".join(lines) or "No answers yet."


def topics_text(figures: TeamFigures) -> str:
    shown = figures.topics[:TOPICS_SHOWN]
    lines = [_topic_line(row, topic_title(row.key or "")) for row in shown]
    hidden = len(figures.topics) - len(shown)
    if hidden:
        lines.append(f"…and {counted(hidden, 'more topic')}, all holding up better.")
    if figures.other_topics is not None:
        lines.append(_topic_line(figures.other_topics, OTHER_TOPICS))
    if not lines:
        return "No reviews scheduled yet: memory shows here once the team has answered."
    return "Mean chance of recall now → in 7 days (FSRS), fading first:\n" + "\n".join(lines)


def alt_text(figures: TeamFigures, weeks: tuple[str, str] = THIS_WEEK) -> str:
    """What a screen reader says instead of the picture."""
    text = f"Team report: {figures.active[0]} learners active {weeks[0]}, {figures.active[1]} {weeks[1]}"
    fading = next((row for row in figures.topics if row.recall_now is not None), None)
    if fading is not None:
        text += (f"; most fading topic {topic_title(fading.key or '')}, recall {_share(fading.recall_now)} now and "
                 f"{_share(fading.recall_later)} in 7 days")
    return text


def team_reply(
    figures: TeamFigures, titles: Mapping[str, str], image: Image | None, say: Syntax, weeks: tuple[str, str] = THIS_WEEK,
) -> Reply:
    """``titles``: each track id's title."""
    heading = title(figures)
    if not figures.enough:
        return info_reply("team", f"{heading}\n{too_few_text(say)}")
    sections = (
        Section(title=heading, text=people_text(figures, weeks)),
        Section(title="Accuracy per track", text=tracks_text(figures, titles)),
        Section(title="Fading topics", text=topics_text(figures)),
    )
    text = "\n\n".join(f"{s.title}\n{s.text}" for s in sections)
    return Reply(text=text, kind="team", sections=sections, image=image, private=True)


def admin_report_on(first: datetime, tz: str, say: Syntax) -> Reply:
    return info_reply("team", (
        f"Done: the team report comes to you by direct message every Monday at {first:%H:%M} ({tz}), first on "
        f"{first:%a %d %b}. It shows what {say('team')} shows, about last week. {say('admin report', state='off')} stops it."
    ))


def admin_report_off(was_on: bool, say: Syntax) -> Reply:
    if was_on:
        return info_reply("team", f"Done: no more weekly team reports by direct message. {say('team')} still shows it any time.")
    return info_reply("team", f"The weekly team report was not on, so nothing changed. {say('admin report', state='on')} starts it.")

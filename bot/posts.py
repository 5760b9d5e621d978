"""What scheduled delivery says: the daily post (channel and DM), the evening nudge, the weekly recap.

Pure functions from content and numbers to neutral Replies, using the same rendering helpers as the
interactive commands so a scheduled post looks like the rest of the bot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from bot.commands.syntax import Syntax
from bot.content import Curriculum, Question
from bot.messages import ACTION_START_QUIZ, Button, Counts, Image, PostFacts, Reply, Section
from bot.render import quiz_heading, quiz_sections, tip_section
from bot.render.common import counted
from bot.render.learning import answer_range
from bot.store.records import LeaderRow
from bot.streaks import StreakState

MEDALS = ("🥇", "🥈", "🥉")
SHARED_QUIZ_HINT = "_Tap a letter to answer: everyone here gets one try, and only you see your result._"


@dataclass(frozen=True)
class DailyMaterial:
    """The tip and question of a channel's ``posted``-th daily post; ``path_day`` is 1-based while on the path."""

    tip_id: str
    question_id: str
    path_day: int | None


def daily_material(content: Curriculum, track: str, posted: int, paused: frozenset[str] = frozenset()) -> DailyMaterial:
    """New subscribers walk the guided path (day N: its tip and first question), then the track in order.

    After the path, items the path already showed are left out so the channel sees something new; the
    sequence wraps around once everything has been posted. A question paused in the workspace is replaced
    by the next one in the sequence that is not (the path day's next question first).
    """
    days = content.path.days if content.path else []
    known = content.has_track(track)
    questions = content.question_order(track) if known else content.course_question_order
    if posted < len(days):
        day = days[posted]
        return DailyMaterial(day.tip, _unpaused([*day.questions, *questions], 0, paused), posted + 1)
    tips = content.tip_order(track) if known else content.course_tip_order
    shown_tips = {d.tip for d in days}
    shown_questions = {d.questions[0] for d in days}
    tips = [t for t in tips if t not in shown_tips] or tips or content.course_tip_order
    questions = [q for q in questions if q not in shown_questions] or questions or content.course_question_order
    index = posted - len(days)
    return DailyMaterial(tips[index % len(tips)], _unpaused(questions, index % len(questions), paused), None)


def _unpaused(questions: list[str], start: int, paused: frozenset[str]) -> str:
    """The first question from ``start`` on (wrapping) that is not paused; ``questions[start]`` if all are."""
    ring = questions[start:] + questions[:start]
    return next((q for q in ring if q not in paused), questions[start])


def _options_text(question: Question) -> str:
    return "\n".join(f"{letter}) {option}" for letter, option in zip(question.letters, question.options, strict=True))


def _tip_and_quiz(
    content: Curriculum, tip_id: str, question_id: str, instance_id: str, tip_heading: str, quiz_kind: str, shared: bool, say: Syntax,
) -> tuple[tuple[Section, ...], str]:
    tip = content.tips[tip_id]
    question = content.questions[question_id]
    tip_part = tip_section(tip, content.track_title(tip.track_id), heading=tip_heading)
    heading = quiz_heading(quiz_kind, content.track_title(question.track_id), question)
    quiz_part = quiz_sections(question, instance_id, heading, say)
    if shared:
        quiz_part = (quiz_part[0], replace(quiz_part[1], text=SHARED_QUIZ_HINT))
        how = "Tap a letter to answer: everyone gets one try."
    else:
        how = f"Answer with {answer_range(question, say)} or tap a letter."
    text = f"💡 {tip_part.title}\n{tip_part.text}\n\n❓ {heading}\n{question.prompt}\n{_options_text(question)}\n{how}"
    return (tip_part, *quiz_part), text


def channel_post(content: Curriculum, material: DailyMaterial, instance_id: str, say: Syntax) -> Reply:
    """Today's tip and a quiz anyone in the channel can answer once (the instance has no owner)."""
    total = len(content.path.days) if content.path else 0
    tip_heading = f"Day {material.path_day} of {total}" if material.path_day else "Today's tip"
    sections, text = _tip_and_quiz(content, material.tip_id, material.question_id, instance_id, tip_heading, "Quiz of the day", shared=True, say=say)
    return Reply(
        text=text, kind="delivery", sections=sections, private=False, quiz_instance_id=instance_id,
        post=PostFacts("daily", "channel", material.question_id, material.tip_id),
    )


def dm_post(content: Curriculum, tip_id: str, question_id: str, label: str, instance_id: str, say: Syntax) -> Reply:
    """A learner's own daily DM: a due review first (``label`` "Review"), else their next new question."""
    sections, text = _tip_and_quiz(content, tip_id, question_id, instance_id, "Today's tip", label, shared=False, say=say)
    if label == "Review":
        note = Section(text="📚 A question you've seen before is due for review: answering it now is what makes it stick.")
        sections = (sections[0], note, *sections[1:])
        text = f"{note.text}\n{text}"
    return Reply(
        text=text, kind="delivery", sections=sections, private=False, quiz_instance_id=instance_id,
        post=PostFacts("daily", "dm", question_id, tip_id),
    )


def nudge_post(state: StreakState, say: Syntax) -> Reply:
    text = f"🔥 Your {state.current}-day streak ends at midnight tonight. One quick quiz keeps it going."
    footer = f"_Don't want evening reminders? Send {say('settings nudges', state='off')}._"
    return Reply(
        text=f"{text}\n{footer}", kind="delivery", private=False,
        sections=(
            Section(title="Keep your streak", text=text, buttons=(Button("Quick quiz", ACTION_START_QUIZ, "nudge", "primary"),)),
            Section(text=footer),
        ),
        post=PostFacts("nudge"), counts=Counts(streak=state.current),
    )


@dataclass(frozen=True)
class ChannelWeek:
    """A channel's answers to its shared quizzes over one week, by local day."""

    days: tuple[date, ...]
    answers: tuple[int, ...]
    correct: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.answers)

    @property
    def accuracy(self) -> tuple[float | None, ...]:
        return tuple(c / a if a else None for a, c in zip(self.answers, self.correct, strict=True))


def recap_post(week_start: date, leaders: Sequence[LeaderRow], week: ChannelWeek, chart_png: bytes | None) -> Reply:
    title = f"Weekly recap · week of {week_start:%d %b}"
    if leaders:
        board = "\n".join(
            f"{MEDALS[i] if i < len(MEDALS) else f'{i + 1}.'} {row.display_name} — {counted(row.points, 'point')} "
            f"({row.answered} answered, {row.correct / row.answered:.0%} right)"
            for i, row in enumerate(leaders)
        )
    else:
        board = "Nobody answered last week. Today's quiz is a good place to start."
    correct = sum(week.correct)
    here = (
        f"This channel: **{week.total}** answers to the daily quiz, **{correct / week.total:.0%}** right."
        if week.total else "This channel: no answers to the daily quiz last week."
    )
    image = None
    if chart_png is not None:
        image = Image(png=chart_png, alt="Answers per day to this channel's daily quiz last week, with the share answered correctly", filename="weekly-recap.png")
    sections = (Section(title=title, text=board), Section(text=here))
    return Reply(
        text=f"🏆 {title}\n{board}\n{here}", kind="delivery", sections=sections, image=image, private=False,
        post=PostFacts("recap"), counts=Counts(answered=week.total),
    )


def admin_notice(channel_id: str, kind: str, error: str, say: Syntax) -> Reply:
    """Told to whoever subscribed the channel when the platform refuses it for good."""
    where = "your direct messages" if kind == "dm" else f"channel {channel_id}"
    text = (
        f"I couldn't post the daily tip and quiz to {where} ({error}), so I switched that subscription off. "
        f"Add me back to the channel (or restore my access), then send {say('subscribe')} there to restart it."
    )
    return Reply(text=text, kind="delivery", sections=(Section(title="Daily post stopped", text=text),), private=False, post=PostFacts("notice"))

"""The words of learning: tips, quizzes, answers, reviews and tracks."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.commands.syntax import Syntax
from bot.content import Question, Tip
from bot.messages import ACTION_ANSWER, ACTION_START_QUIZ, AnswerOutcome, Button, Reply, Section, error_reply
from bot.render.reports import report_button
from bot.streaks import StreakState

STARS = {1: "★☆☆", 2: "★★☆", 3: "★★★"}


def all_tips_read(say: Syntax) -> str:
    return f"You've read every tip in this track; here's one to refresh. Try {say('tracks')} for more."


def bad_answer_button(say: Syntax) -> str:
    return f"That button didn't carry a valid answer. Send {say('quiz')} for a fresh question."


def no_open_quiz(say: Syntax) -> str:
    return f"You have no open quiz. Send {say('quiz')} to get one, then {say.usage('answer', 'letter')}."


def quiz_gone(say: Syntax) -> str:
    return f"That quiz no longer exists. Send {say('quiz')} for a fresh question."


def someone_elses_quiz(say: Syntax) -> str:
    return f"That quiz was for someone else. Send {say('quiz')} to get your own."


def answer_value(instance_id: str, letter: str) -> str:
    return f"{instance_id}:{letter}"


def parse_answer_value(value: str) -> tuple[str, str] | None:
    instance_id, _, letter = value.partition(":")
    if not instance_id or len(instance_id) > 64 or len(letter) != 1 or letter not in "ABCDE":
        return None
    return instance_id, letter


_YEAR = re.compile(r"\(?\b(19|20)\d{2}\b\)?")
_NAMES_NOTHING = re.compile(r"^(the |a |an )?(source|original)?\s*(article|source|paper|post|blog post|report|study)?s?$", re.IGNORECASE)


def named_source(cite: str | None) -> str | None:
    """The cite when it names something a reader could find; a placeholder (``source article, 2026``) names
    nothing, and then the bot says nothing rather than pointing at "the article"."""
    if not cite:
        return None
    name = _YEAR.sub("", cite).strip(" ,.;:-—")
    return None if _NAMES_NOTHING.match(name) else cite


def source_line(cite: str | None) -> str | None:
    named = named_source(cite)
    return f"_Source: {named}_" if named else None


def tip_section(tip: Tip, track_title: str, heading: str = "Tip") -> Section:
    source = source_line(tip.cite)
    cite = f"\n{source}" if source else ""
    return Section(
        title=f"{heading} · {track_title} · {tip.title}",
        text=f"{tip.body}\n\n**Try this week:** {tip.try_this}{cite}",
    )


def tip_reply(tip: Tip, track_title: str, note: str = "") -> Reply:
    section = tip_section(tip, track_title)
    extra = (Section(text=note),) if note else ()
    text = f"💡 {section.title}\n{section.text}" + (f"\n{note}" if note else "")
    return Reply(text=text, kind="tip", sections=(section, *extra), private=True)


def answer_range(question: Question, say: Syntax) -> str:
    """``answer A``–``D`` as typed here: the first letter's command, then the last letter."""
    return f"{say('answer', letter=question.letters[0])}–`{question.letters[-1]}`"


def quiz_sections(question: Question, instance_id: str, heading: str, say: Syntax) -> tuple[Section, ...]:
    options = "\n".join(f"**{letter})** {option}" for letter, option in zip(question.letters, question.options, strict=True))
    buttons = tuple(
        Button(label=letter, action_id=ACTION_ANSWER, value=answer_value(instance_id, letter)) for letter in question.letters
    )
    return (
        Section(title=heading, text=f"{question.prompt}\n\n{options}"),
        Section(text=f"_Tap a letter, or send {answer_range(question, say)}._", buttons=buttons),
    )


def quiz_reply(question: Question, instance_id: str, heading: str, say: Syntax, private: bool = True, note: str = "") -> Reply:
    sections = quiz_sections(question, instance_id, heading, say)
    if note:
        sections = (Section(text=note), *sections)
    options = "\n".join(f"{letter}) {option}" for letter, option in zip(question.letters, question.options, strict=True))
    text = (f"{note}\n" if note else "") + f"❓ {heading}\n{question.prompt}\n{options}\nAnswer with {say.usage('answer', 'letter')}."
    return Reply(text=text, kind="quiz", sections=sections, private=private, quiz_instance_id=instance_id)


def quiz_heading(kind: str, track_title: str, question: Question) -> str:
    return f"{kind} · {track_title} · {STARS[question.difficulty]}"


def not_an_option(question: Question, letter: str, say: Syntax) -> Reply:
    options = ", ".join(question.letters[:-1]) + f" or {question.letters[-1]}"
    return error_reply(
        f"`{letter}` is not an option. This question has options {question.letters[0]} to {question.letters[-1]} ({options}). "
        f"Try {say('answer', letter=question.letters[0])}."
    )


def answer_reply(
    question: Question, letter: str, correct: bool, streak: StreakState, due_at: datetime | None, tz: str,
    replace_original: bool, private: bool = True,
) -> Reply:
    right = question.answer
    right_text = question.options[question.correct_index]
    verdict = "✅ **Right!**" if correct else f"❌ **Not quite.** You chose {letter}."
    lines = [verdict]
    why_not = None if correct else question.feedback_for(letter)
    if why_not:
        lines.append(f"_Why not {letter}:_ {why_not}")
    lines += [f"Correct answer: **{right}) {right_text}**", "", question.explanation]
    source = source_line(question.cite)
    if source:
        lines.append(source)
    footer = f"🔥 Streak: {streak.current} day{'s' if streak.current != 1 else ''}"
    if due_at is not None:
        footer += f" · I'll bring this question back {due_at.astimezone(ZoneInfo(tz)):%a %d %b}."
    sections = (
        Section(title=f"Quiz · {question.prompt[:80]}{'…' if len(question.prompt) > 80 else ''}", text="\n".join(lines)),
        Section(text=footer, buttons=(Button("Next quiz", ACTION_START_QUIZ, "next", "primary"), report_button(question.id))),
    )
    text = "\n".join([*lines, footer])
    return Reply(
        text=text, kind="answer", sections=sections, private=private, replace_original=replace_original,
        answer=AnswerOutcome(letter, correct),
    )


def already_answered_reply(previous: str, say: Syntax) -> Reply:
    text = f"You already answered this quiz (you chose {previous}), so nothing changed. Send {say('quiz')} for another."
    return Reply(text=text, kind="answer", sections=(Section(text=text),), private=True, answer=AnswerOutcome(previous, None, already=True))


def reviews_due_text(total: int) -> str:
    return f"{total} review{'s' if total != 1 else ''} due"


def review_note(total: int, shown: int) -> str:
    """A capped batch says so, so the cap is never read as the total."""
    batch = f" (showing {shown} of {total} due)" if shown < total else ""
    return f"📚 {reviews_due_text(total)}{batch}; missed questions come first."


def nothing_to_review(next_due_at: datetime | None, tz: str, say: Syntax) -> Reply:
    if next_due_at is None:
        text = "Nothing to review yet: answer a few quizzes first and I'll schedule them for you."
    else:
        when = next_due_at.astimezone(ZoneInfo(tz))
        text = f"Nothing is due right now. Your next review is on {when:%a %d %b at %H:%M}. Try {say('quiz')} for something new."
    return Reply(text=text, kind="review", sections=(Section(text=text, buttons=(Button("New quiz", ACTION_START_QUIZ, "next", "primary"),)),))


def tracks_reply(lines: list[str], say: Syntax) -> Reply:
    text = "\n".join(lines) + f"\n\nSwitch with {say.usage('track')}."
    return Reply(text=text, kind="tracks", sections=(Section(title="Tracks", text=text),))


def path_line(title: str, days: int, yours: bool) -> str:
    return f"**path** — {title}: the guided course, {days} days{' ← you' if yours else ''}"


def track_line(track_id: str, title: str, summary: str, questions: int, yours: bool) -> str:
    return f"**{track_id}** — {title}: {summary} ({questions} questions){' ← you' if yours else ''}"


def following_text(track_title: str, say: Syntax) -> str:
    return f"You're now following **{track_title}**. Send {say('quiz')} or {say('tip')} to start."

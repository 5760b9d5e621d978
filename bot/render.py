"""Turn domain objects into neutral Replies. Wording lives here so the use cases stay about rules."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.commands import COMMAND_TABLE
from bot.content import Question, Tip
from bot.messages import ACTION_ANSWER, ACTION_START_QUIZ, Button, Reply, Section
from bot.streaks import StreakState

STARS = {1: "★☆☆", 2: "★★☆", 3: "★★★"}


def answer_value(instance_id: str, letter: str) -> str:
    return f"{instance_id}:{letter}"


def parse_answer_value(value: str) -> tuple[str, str] | None:
    instance_id, _, letter = value.partition(":")
    if not instance_id or len(instance_id) > 64 or len(letter) != 1 or letter not in "ABCDE":
        return None
    return instance_id, letter


def tip_section(tip: Tip, track_title: str, heading: str = "Tip") -> Section:
    cite = f"\n_Source: {tip.cite}_" if tip.cite else ""
    return Section(
        title=f"{heading} · {track_title} · {tip.title}",
        text=f"{tip.body}\n\n**Try this week:** {tip.try_this}{cite}",
    )


def tip_reply(tip: Tip, track_title: str, note: str = "") -> Reply:
    section = tip_section(tip, track_title)
    extra = (Section(text=note),) if note else ()
    text = f"💡 {section.title}\n{section.text}" + (f"\n{note}" if note else "")
    return Reply(text=text, kind="tip", sections=(section, *extra), private=True)


def quiz_sections(question: Question, instance_id: str, heading: str) -> tuple[Section, ...]:
    options = "\n".join(f"**{letter})** {option}" for letter, option in zip(question.letters, question.options, strict=True))
    buttons = tuple(
        Button(label=letter, action_id=ACTION_ANSWER, value=answer_value(instance_id, letter)) for letter in question.letters
    )
    return (
        Section(title=heading, text=f"{question.prompt}\n\n{options}"),
        Section(text=f"_Tap a letter, or send `answer {question.letters[0]}`–`{question.letters[-1]}`._", buttons=buttons),
    )


def quiz_reply(question: Question, instance_id: str, heading: str, private: bool = True, note: str = "") -> Reply:
    sections = quiz_sections(question, instance_id, heading)
    if note:
        sections = (Section(text=note), *sections)
    options = "\n".join(f"{letter}) {option}" for letter, option in zip(question.letters, question.options, strict=True))
    text = (f"{note}\n" if note else "") + f"❓ {heading}\n{question.prompt}\n{options}\nAnswer with `answer <letter>`."
    return Reply(text=text, kind="quiz", sections=sections, private=private, quiz_instance_id=instance_id)


def quiz_heading(kind: str, track_title: str, question: Question) -> str:
    return f"{kind} · {track_title} · {STARS[question.difficulty]}"


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
    if question.cite:
        lines.append(f"_Source: {question.cite}_")
    footer = f"🔥 Streak: {streak.current} day{'s' if streak.current != 1 else ''}"
    if due_at is not None:
        footer += f" · I'll bring this question back {due_at.astimezone(ZoneInfo(tz)):%a %d %b}."
    sections = (
        Section(title=f"Quiz · {question.prompt[:80]}{'…' if len(question.prompt) > 80 else ''}", text="\n".join(lines)),
        Section(text=footer, buttons=(Button("Next quiz", ACTION_START_QUIZ, "next", "primary"),)),
    )
    text = "\n".join([*lines, footer])
    return Reply(
        text=text, kind="answer", sections=sections, private=private, replace_original=replace_original,
        meta={"correct": "1" if correct else "0", "letter": letter},
    )


_HOW_TO_SEND = {
    "console": "type each one here",
    "slack": "send each after `/aipm`, e.g. `/aipm quiz`",
    "discord": "use each as `/aipm <command>`; Discord suggests the options as you type",
}


def help_reply(platform: str = "slack") -> Reply:
    """The command list, with how to send a command on the asker's platform."""
    lines = [f"`{spec.usage}` — {spec.summary}" for spec in COMMAND_TABLE]
    how = _HOW_TO_SEND.get(platform, _HOW_TO_SEND["slack"])
    text = f"Here's what I can do ({how}):\n" + "\n".join(lines)
    return Reply(text=text, kind="help", sections=(Section(title="aipm-companion", text=text),), private=True)


def reviews_due_text(total: int) -> str:
    return f"{total} review{'s' if total != 1 else ''} due"


def review_note(total: int, shown: int) -> str:
    """A capped batch says so, so the cap is never read as the total."""
    batch = f" (showing {shown} of {total} due)" if shown < total else ""
    return f"📚 {reviews_due_text(total)}{batch}; missed questions come first."


def streak_line(state: StreakState) -> str:
    if state.current == 0:
        return "No streak yet: answer a quiz today to start one."
    days = f"{state.current} day{'s' if state.current != 1 else ''}"
    today = "done for today ✔" if state.active_today else "answer a quiz today to keep it"
    return f"🔥 {days} (best {state.best}) · 🧊 {state.freezes} freeze{'s' if state.freezes != 1 else ''} · {today}"


def greeting_reply(mood: str, name: str = "") -> Reply:
    """Small talk gets a short answer and the two commands that get someone going."""
    hello = f"Hi {name}! 👋" if name else "Hi! 👋"
    text = {
        "hello": f"{hello} Try `tip` for today's tip or `quiz` for a question. `help` lists everything.",
        "thanks": "You're welcome! Send `quiz` when you're ready for another, or `tip` for something to read.",
        "bye": "Bye! There's nothing to close here: I answer whenever you message me. Keep the streak going. 🔥",
    }.get(mood, f"{hello} Try `tip` or `quiz`.")
    buttons = (Button("Start a quiz", ACTION_START_QUIZ, "greeting", "primary"),) if mood != "bye" else ()
    return Reply(text=text, kind="help", sections=(Section(text=text, buttons=buttons),), private=True)


# Words a topic slug spells in lowercase that a person writes otherwise.
_TOPIC_WORDS = {
    "ai": "AI", "pm": "PM", "pms": "PMs", "ml": "ML", "llm": "LLM", "rag": "RAG", "eu": "EU", "ip": "IP", "mcp": "MCP",
    "a2a": "A2A", "ab": "A/B", "ux": "UX", "vs": "vs", "nist": "NIST", "rmf": "RMF",
}


_TOPIC_TITLES = {"eu-ai-act": "EU AI Act", "rag-vs-fine-tuning": "RAG vs fine-tuning", "llm-as-judge": "LLM-as-judge",
                 "offline-to-online": "Offline to online", "accuracy-speed-cost": "Accuracy, speed and cost"}


def topic_title(tag: str) -> str:
    """A topic as a person reads it: ``two-kinds-of-ai-pm`` is "Two kinds of AI PM"."""
    if tag in _TOPIC_TITLES:
        return _TOPIC_TITLES[tag]
    words = [_TOPIC_WORDS.get(word, word) for word in tag.split("-") if word]
    if not words:
        return tag
    first = words[0]
    return " ".join([first if first in _TOPIC_WORDS.values() else first.capitalize(), *words[1:]])


"""The words of progress: streaks, stats, the leaderboard and the home summary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.commands.syntax import Syntax
from bot.content import Tip
from bot.messages import ACTION_NEXT_TIP, ACTION_START_QUIZ, Button, Counts, Image, Reply, Section
from bot.render.common import counted
from bot.render.learning import reviews_due_text, tip_section
from bot.render.topics import topic_title
from bot.store.records import LeaderRow
from bot.streaks import StreakState

MEDALS = ("🥇", "🥈", "🥉")


def streak_line(state: StreakState) -> str:
    if state.current == 0:
        return "No streak yet: answer a quiz today to start one."
    days = f"{state.current} day{'s' if state.current != 1 else ''}"
    today = "done for today ✔" if state.active_today else "answer a quiz today to keep it"
    return f"🔥 {days} (best {state.best}) · 🧊 {state.freezes} freeze{'s' if state.freezes != 1 else ''} · {today}"


def streak_reply(state: StreakState) -> Reply:
    text = streak_line(state)
    if state.frozen_days:
        text += f"\nA freeze saved your streak on {', '.join(d.strftime('%a %d %b') for d in state.frozen_days[-2:])}."
    return Reply(text=text, kind="streak", sections=(Section(title="Your streak", text=text),), counts=Counts(streak=state.current, best_streak=state.best))


def stats_reply(
    answered: int, correct: int, state: StreakState, due: int, topics: Sequence[tuple[str, int, int]], card: Image,
) -> Reply:
    """``topics`` as ``(tag, answered, correct)``, most answered first."""
    accuracy = f"{correct / answered:.0%}" if answered else "–"
    lines = [
        f"Answered: **{answered}** · Correct: **{correct}** · Accuracy: **{accuracy}**",
        f"Streak: **{state.current}** · Best: **{state.best}** · Freezes: **{state.freezes}**",
        f"Reviews due: **{due}**",
    ]
    topic_text = "\n".join(f"• {topic_title(tag)}: {ok}/{n} ({ok / n:.0%})" for tag, n, ok in topics) or "Answer a quiz to see your topics."
    text = "\n".join(lines) + "\n\nBy topic:\n" + topic_text
    return Reply(
        text=text, kind="stats",
        sections=(Section(title="Your stats", text="\n".join(lines)), Section(title="Accuracy by topic", text=topic_text)),
        image=card,
        counts=Counts(answered=answered, correct=correct, reviews_due=due),
    )


def leaderboard_reply(since: datetime | None, rows: Sequence[LeaderRow], say: Syntax) -> Reply:
    """This week's board when ``since`` is given (the week's Monday), else all time."""
    title = f"Leaderboard · week of {since:%d %b}" if since is not None else "Leaderboard · all time"
    if not rows:
        body = f"No answers yet. Be the first: send {say('quiz')}."
    else:
        body = "\n".join(
            f"{MEDALS[i] if i < 3 else f'{i + 1}.'} {row.display_name} — {counted(row.points, 'point')} ({row.answered} answered, {row.correct / row.answered:.0%} right)"
            for i, row in enumerate(rows)
        )
    return Reply(text=f"{title}\n{body}", kind="leaderboard", sections=(Section(title=title, text=body),), private=True)


def home_reply(state: StreakState, due: int, tip: Tip, track_title: str, card: Image | None = None) -> Reply:
    sections = (
        Section(title="Your streak", text=streak_line(state)),
        tip_section(tip, track_title, heading="Today's tip"),
        Section(
            title="Reviews", text=f"📚 {reviews_due_text(due)}.",
            buttons=(Button("Start a quiz", ACTION_START_QUIZ, "home", "primary"), Button("Next tip", ACTION_NEXT_TIP, "home")),
        ),
    )
    text = "\n".join(s.text for s in sections)
    return Reply(text=text, kind="home", sections=sections, counts=Counts(reviews_due=due, streak=state.current), image=card)

"""The words of reports: the reason picker, thanks, repeats, and the admin's list and resolution."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.commands import REPORT_REASON_LABELS, REPORT_REASONS
from bot.commands.syntax import Syntax
from bot.content import Curriculum
from bot.messages import ACTION_REPORT, ACTION_REPORT_REASON, Button, Reply, Section, error_reply
from bot.render.common import counted
from bot.store.records import Report

QUESTIONS_SHOWN = 15  # what one message can hold on every platform (Slack: 50 blocks; Discord: one embed)


def nothing_answered(say: Syntax) -> str:
    return f"You haven't answered a question here yet, so there is nothing to report. Send {say('quiz')} to get one."


def bad_report_button(say: Syntax) -> str:
    return f"That button didn't carry a question I can report. Send {say('report')} to report the question you last answered."


def report_button(question_id: str) -> Button:
    """The button under every answer: it asks what is wrong with the question just answered."""
    return Button("Report a problem", ACTION_REPORT, question_id)


def reason_value(question_id: str, reason: str) -> str:
    return f"{question_id}:{reason}"


def parse_reason_value(value: str) -> tuple[str, str] | None:
    question_id, _, reason = value.partition(":")
    if not question_id or len(question_id) > 64 or reason not in REPORT_REASONS:
        return None
    return question_id, reason


def _snippet(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def unknown_question(question_id: str, say: Syntax) -> Reply:
    return error_reply(f"I don't know a question called `{question_id}`. Send {say('report')} to report the question you last answered.")


def not_answered(question_id: str, say: Syntax) -> Reply:
    return error_reply(
        f"You can only report a question you have answered here, and you haven't answered `{question_id}`. "
        f"Nothing was reported; send {say('report')} for the one you answered last."
    )


def reason_picker(question_id: str, prompt: str, last: bool, say: Syntax) -> Reply:
    """Which reason: one button each; typing the command adds a note (naming the question unless it is the
    ``last`` one answered, which ``report`` means without one)."""
    named = {} if last else {"question": question_id}
    text = (
        f"What's wrong with this question? _{_snippet(prompt)}_\n"
        f"Pick a reason, or send {say.usage('report', 'reason', 'text', **named)} to add a note "
        f"(reasons: {', '.join(REPORT_REASONS)})."
    )
    buttons = tuple(Button(REPORT_REASON_LABELS[r], ACTION_REPORT_REASON, reason_value(question_id, r)) for r in REPORT_REASONS)
    return Reply(text=text, kind="report", sections=(Section(title="Report a problem", text=text, buttons=buttons),), private=True)


def reported(report: Report, prompt: str, paused: bool) -> Reply:
    lines = [
        f"🚩 Thanks, reported as **{report.reason}** (report #{report.id}): _{_snippet(prompt)}_",
        "An admin here will look at it; the course's maintainers see it too.",
    ]
    if paused:
        lines.append("Enough people here reported it, so I won't ask it here again until an admin resolves it.")
    text = "\n".join(lines)
    return Reply(text=text, kind="report", sections=(Section(text=text),), private=True)


def already_reported(report: Report, tz: str) -> Reply:
    if report.is_open:
        text = f"You already reported this question (as {report.reason}, report #{report.id}), so nothing changed. Thanks!"
    else:
        assert report.resolved_at is not None
        when = report.resolved_at.astimezone(ZoneInfo(tz))
        text = (f"You already reported this question (report #{report.id}); an admin resolved it on {when:%a %d %b}: "
                f"{report.resolution}. Nothing changed.")
    return Reply(text=text, kind="report", sections=(Section(text=text),), private=True)


def open_reports(reports: Sequence[Report], paused: frozenset[str], content: Curriculum, say: Syntax) -> Reply:
    """The admin's list: one block per question (its learners, whether it is paused), one line per report."""
    if not reports:
        text = "No open reports here. When someone reports a question (the button under every answer), it shows up here."
        return Reply(text=text, kind="report", sections=(Section(text=text),), private=True)
    by_question: dict[str, list[Report]] = {}
    for report in reports:
        by_question.setdefault(report.question_id, []).append(report)
    sections = []
    shown = list(by_question.items())[:QUESTIONS_SHOWN]
    for question_id, group in shown:
        question = content.questions.get(question_id)
        track = content.track_title(question.track_id) if question else "no longer in the course"
        people = len({r.user_id for r in group})
        state = " · ⏸ paused here" if question_id in paused else ""
        head = f"{question_id} · {track} · {counted(people, 'learner')}{state}"
        lines = [f"_{_snippet(question.prompt)}_"] if question else []
        lines += [f"#{r.id} **{r.reason}**" + (f": “{_snippet(r.text, 200)}”" if r.text else "") for r in group]
        sections.append(Section(title=head, text="\n".join(lines)))
    count = len(reports)
    hidden = len(by_question) - len(shown)
    more = f" {counted(hidden, 'more question')} not shown: resolve some to see the rest." if hidden else ""
    footer = (f"{counted(count, 'open report')} on {counted(len(by_question), 'question')}.{more} "
              f"Resolve one with {say.usage('admin resolve')} (it closes every open report on that question).")
    text = "\n\n".join(f"{s.title}\n{s.text}" for s in sections) + f"\n\n{footer}"
    return Reply(text=text, kind="report", sections=(*sections, Section(text=footer)), private=True)


def unknown_report(report_id: int, say: Syntax) -> Reply:
    return error_reply(f"There is no report #{report_id} here. {say('admin reports')} lists the open ones. Nothing changed.")


def already_resolved(report: Report, tz: str) -> Reply:
    assert report.resolved_at is not None
    when = report.resolved_at.astimezone(ZoneInfo(tz))
    text = f"Report #{report.id} was already resolved on {when:%a %d %b}: {report.resolution}. Nothing changed."
    return Reply(text=text, kind="report", sections=(Section(text=text),), private=True)


def resolved(report: Report, closed: int, was_paused: bool) -> Reply:
    others = closed - 1
    also = f" and {counted(others, 'other report')} on the same question" if others > 0 else ""
    back = " It is asked here again." if was_paused else ""
    text = f"✅ Resolved report #{report.id}{also} ({report.question_id}) with your note.{back}"
    return Reply(text=text, kind="report", sections=(Section(text=text),), private=True)

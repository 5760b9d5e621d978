"""How ``aipm content item-stats`` (and the audit's live section) print item analysis: sentences and a rich table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from bot.analysis import ItemStats, ItemStatsReport


def wide_console() -> Console:
    """A terminal's own width; 160 columns when piped or redirected (rich would assume 80 and fold every row)."""
    console = Console()
    return console if console.is_terminal else Console(width=160, soft_wrap=True)


def _say(console: Console, text: str) -> None:
    """A sentence as written: names from the database (paths, ids) are not rich markup."""
    console.print(text, markup=False, highlight=False)


def scope(database: str, workspace: str | None) -> str:
    return f"{database}, workspace {workspace}" if workspace else f"{database}, every workspace"


def method_lines(report: ItemStatsReport) -> list[str]:
    """What the figures are and when a flag is raised: the minimum samples, stated with the results."""
    p = report.policy
    return [
        "Only each learner's first attempt at a question counts. Right = share of first attempts answered right.",
        f"r = point-biserial of the item against the learner's accuracy on their other first attempts, over learners with "
        f"at least {p.min_rest_answers} other first attempts (how many in brackets).",
        f"Flags: too-easy (> {p.too_easy_above:.0%} right), too-hard (< {p.too_hard_below:.0%}), dead-distractor (a wrong option "
        f"chosen by < {p.dead_distractor_below:.0%}), each once a question has {p.min_first_attempts} first attempts; "
        f"negative-discrimination (r < 0) once {p.min_discrimination_learners} learners are in r; reported: any report.",
    ]


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _options(item: ItemStats) -> str:
    return " ".join(f"{o.letter}{'*' if o.is_key else ''} {_percent(o.share)}" for o in item.options)


def _flags(item: ItemStats) -> str:
    return ", ".join(f"{flag} ({''.join(item.dead_distractors)})" if flag == "dead-distractor" else flag for flag in item.flags)


def discrimination(item: ItemStats) -> str:
    figure = "–" if item.discrimination is None else f"{item.discrimination:+.2f}"
    return f"{figure} ({item.discrimination_learners})"


def items_table(title: str, items: Sequence[ItemStats]) -> Table:
    table = Table(title=title)
    table.add_column("question", no_wrap=True)
    for column in ("first", "right", "r (learners)"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("options chosen (* key)", no_wrap=True)
    table.add_column("reports", justify="right")
    table.add_column("flags")
    for item in items:
        table.add_row(item.question_id, str(item.first_attempts), _percent(item.difficulty), discrimination(item),
                      _options(item), str(item.reports), _flags(item))
    return table


def summary_lines(report: ItemStatsReport) -> list[str]:
    counts = report.flag_counts()
    found = ", ".join(f"{count} {flag}" for flag, count in counts.items() if count) or "none"
    lines = [f"Flagged: {found}."]
    unanswered = len(report.items) - len(report.answered)
    if unanswered:
        lines.append(f"{unanswered} question(s) have no answers yet.")
    if report.outside_course:
        lines.append(f"{report.outside_course} first attempt(s) at questions no longer in the course were left out.")
    return lines


def print_item_stats(report: ItemStatsReport, where: str, console: Console | None = None) -> None:
    console = console or wide_console()
    if not report.first_attempts and not report.outside_course:
        _say(console, f"No answers yet in {where}: nothing to analyse. Figures appear once learners answer quizzes.")
        return
    _say(console, f"Item analysis of {where}: {report.learners} learner(s), {report.first_attempts} first attempt(s) "
                  f"at {len(report.answered)} of {len(report.items)} question(s).")
    for line in method_lines(report):
        _say(console, line)
    if report.answered:
        console.print(items_table("Questions with answers", report.answered))
    for line in summary_lines(report):
        _say(console, line)


def print_live_section(report: ItemStatsReport, where: str, console: Console) -> None:
    """The audit's live figures: only the questions that answers flag, beside the static checks above."""
    console.print()
    if not report.first_attempts:
        _say(console, f"Live answers ({where}): none yet, so no live figures.")
        return
    _say(console, f"Live answers ({where}): {report.learners} learner(s), {report.first_attempts} first attempt(s).")
    for line in method_lines(report):
        _say(console, line)
    if report.flagged:
        console.print(items_table("Questions the live answers flag", report.flagged))
    for line in summary_lines(report):
        _say(console, line)


def live_note(report: ItemStatsReport | None) -> dict[str, str]:
    """Per question id, a short "live: 97% right, r +0.05 (60)" to print beside the audit's static findings."""
    if report is None:
        return {}
    return {item.question_id: f"live: {_percent(item.difficulty)} right, r {discrimination(item)}"
            for item in report.items if item.first_attempts}


def json_document(report: ItemStatsReport, database: str, workspace: str | None) -> dict[str, Any]:
    return {"database": database, "workspace": workspace, **report.as_dict()}

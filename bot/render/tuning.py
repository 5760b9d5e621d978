"""The words of ``aipm reviews optimize``: what was fitted and rescheduled, or why nothing changed."""

from __future__ import annotations

from bot.render.common import counted
from bot.tuning.optimize import OptimizeReport
from bot.tuning.review_log import MIN_REVIEWS

INSTALL_HINT = (
    "Fitting needs the optional optimizer extra (fsrs's Optimizer, which needs torch, pandas and tqdm). Install a CPU build "
    "of torch first (PyTorch's install page gives the pip line; a plain `pip install torch` on Linux also pulls CUDA, "
    "several GB), then `pip install -e '.[optimizer]'` in the bot's environment, and run this again. Nothing changed."
)


def unknown_workspace(report: OptimizeReport, where: str) -> str:
    known = ", ".join(report.known_workspaces)
    listed = f" Workspaces there: {known}{', ...' if len(report.known_workspaces) >= 10 else ''}." if known else " It has no workspaces yet."
    return (f"There is no workspace `{report.workspace_id}` in {where}.{listed} A workspace id is a Slack team id (T...), "
            "a Discord server id, or `console`. Nothing changed.")


def too_few_reviews(report: OptimizeReport) -> str:
    return (
        f"Workspace {report.workspace_id} has {counted(report.reviews, 'review')} the optimizer can learn from "
        f"(answers to a question a day or more after the previous answer, out of {counted(report.answers, 'answer')}). It needs {MIN_REVIEWS}: "
        f"{report.needed} more. Nothing changed: its reviews keep FSRS's default parameters."
    )


def optimizer_missing(report: OptimizeReport) -> str:
    return f"Workspace {report.workspace_id} has enough reviews ({report.reviews}), but {', '.join(report.missing)} is not installed. {INSTALL_HINT}"


def fitted(report: OptimizeReport) -> str:
    assert report.fitted is not None
    parameters = ", ".join(f"{p:.4f}" for p in report.fitted.parameters)
    return (
        f"Fitted FSRS to workspace {report.workspace_id}'s {report.reviews} reviews ({counted(report.answers, 'answer')}) and stored the parameters; "
        f"its answers are scheduled with them from now on.\n"
        f"Rescheduled {counted(report.cards, 'card')} in {counted(report.batches, 'transaction')}, each with its learner's desired retention.\n"
        f"Parameters: {parameters}"
    )


def stopped(error: str) -> str:
    """Each batch committed on its own: what is done stays done, and a second run redoes the rest (replaying is idempotent)."""
    return f"The database stopped answering ({error}). Batches already rescheduled are kept; run the command again to finish."


def rescheduled_so_far(cards: int) -> str:
    return f"  rescheduled {cards} cards..."

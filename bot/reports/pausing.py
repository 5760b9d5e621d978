"""Which questions are paused in a workspace: the one place every picker (quiz, review, daily posts) asks.

A question reported by ``Deps.report_pause_threshold`` distinct learners of a workspace, with the reports
still open, is never asked there until an admin resolves them; other workspaces still ask it. It is one
query per pick, computed from the reports themselves, so nothing else has to be kept in step.
"""

from __future__ import annotations

from bot.deps import Deps


def paused_questions(deps: Deps, workspace_id: str) -> frozenset[str]:
    return frozenset(deps.repo.paused_question_ids(workspace_id, deps.report_pause_threshold))

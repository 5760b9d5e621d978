"""``admin reports`` and ``admin resolve``: a workspace's admins read its open reports and close them with a note.

Both are admin-only in the command table. Every read and write is scoped to the asker's workspace, so a
report id from another workspace is unknown here. Resolving closes every open report on the question (the
admin has dealt with the question, not with one learner), which unpauses it.
"""

from __future__ import annotations

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply
from bot.render import reports as words
from bot.reports.pausing import paused_questions


@handles(cmd.AdminReports)
def admin_reports(deps: Deps, asker: Asker, command: cmd.AdminReports) -> Reply:
    workspace_id = asker.learner.workspace_id
    return words.open_reports(deps.repo.list_reports(workspace_id), paused_questions(deps, workspace_id), deps.content, asker.say)


@handles(cmd.AdminResolve)
def admin_resolve(deps: Deps, asker: Asker, command: cmd.AdminResolve) -> Reply:
    workspace_id = asker.learner.workspace_id
    report = deps.repo.get_report(workspace_id, command.report_id)
    if report is None:
        return words.unknown_report(command.report_id, asker.say)
    if not report.is_open:
        return words.already_resolved(report, asker.learner.tz)
    was_paused = report.question_id in paused_questions(deps, workspace_id)
    closed = deps.repo.resolve_reports(workspace_id, report.question_id, command.note, deps.clock.now())
    if closed == 0:  # resolved by another admin a moment ago
        again = deps.repo.get_report(workspace_id, report.id)
        assert again is not None
        return words.already_resolved(again, asker.learner.tz)
    return words.resolved(report, closed, was_paused)

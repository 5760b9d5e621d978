"""``report``: a learner flags a problem with a question they answered, once per question, here.

The button under every answer and a typed ``report`` meet in one use case: without a reason it asks for
one; with a reason it stores the report. Repeats (a double click, the same report typed again) find the
first report and change nothing. A report is about a question the learner answered in this workspace, so
nobody reports what they have not seen, and one workspace's reports never count in another.
"""

from __future__ import annotations

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply, error_reply
from bot.render import reports as words
from bot.reports.pausing import paused_questions


@handles(cmd.ReportProblem)
def report(deps: Deps, asker: Asker, command: cmd.ReportProblem) -> Reply:
    learner = asker.learner
    workspace_id, user_id = learner.workspace_id, learner.user_id
    last = deps.repo.last_answered_question_id(workspace_id, user_id)
    question_id = command.question_id or last
    if question_id is None:
        return error_reply(words.nothing_answered(asker.say))
    question = deps.content.questions.get(question_id)
    if question is None:
        return words.unknown_question(question_id, asker.say)
    if question_id != last and not deps.repo.has_answered(workspace_id, user_id, question_id):
        return words.not_answered(question_id, asker.say)
    if command.reason is None:
        return words.reason_picker(question_id, question.prompt, question_id == last, asker.say)
    stored, created = deps.repo.add_report(workspace_id, user_id, question_id, command.reason, command.text, deps.clock.now())
    if not created:
        return words.already_reported(stored, learner.tz)
    return words.reported(stored, question.prompt, question_id in paused_questions(deps, workspace_id))

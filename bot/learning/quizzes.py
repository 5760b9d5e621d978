"""``quiz``: pick the question that teaches most now, and open a quiz instance the answer will refer to."""

from __future__ import annotations

import secrets

from bot import commands as cmd
from bot.commands.syntax import Syntax
from bot.content import PATH_TRACK_ID
from bot.context import Context
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply
from bot.render.learning import quiz_heading, quiz_reply
from bot.reports.pausing import paused_questions
from bot.store.records import Learner, QuizInstance


def pick_question(deps: Deps, learner: Learner, paused: frozenset[str] | None = None) -> tuple[str, str]:
    """New material from the learner's track first, then the most overdue review; with its heading label.

    Questions paused in the learner's workspace (reported by enough learners there) are passed over; a
    caller that has already read the paused set passes it in.
    """
    repo, content = deps.repo, deps.content
    paused = paused_questions(deps, learner.workspace_id) if paused is None else paused
    answered = repo.answered_question_ids(learner.workspace_id, learner.user_id) | paused
    track = content.followed(learner.track)  # a removed workspace track falls back to where newcomers start
    order = content.question_order(track)
    if track == PATH_TRACK_ID:
        for qid in content.path_question_order:
            if qid not in answered:
                return qid, "Quiz"
        order = content.course_question_order
        due = first_due(deps, learner, paused)
        if due is not None:
            return due, "Review"
    for qid in order:
        if qid not in answered:
            return qid, "Quiz"
    due = first_due(deps, learner, paused)
    if due is not None:
        return due, "Review"
    card = repo.next_card(learner.workspace_id, learner.user_id)
    if card and card.question_id in content.questions and card.question_id not in paused:
        return card.question_id, "Practice"
    return next((qid for qid in order if qid not in paused), order[0]), "Quiz"


def first_due(deps: Deps, learner: Learner, paused: frozenset[str]) -> str | None:
    """The most overdue card still in the course and not paused here (reading past at most the paused ones)."""
    cards = deps.repo.due_cards(learner.workspace_id, learner.user_id, deps.clock.now(), 1 + len(paused))
    return next((c.question_id for c in cards if c.question_id in deps.content.questions and c.question_id not in paused), None)


def show_question(deps: Deps, ctx: Context, learner: Learner, qid: str, kind: str, note: str = "") -> Reply:
    """Open a quiz instance for ``qid`` owned by the learner and render it (``kind`` is its heading label)."""
    question = deps.content.questions[qid]
    instance = QuizInstance(
        id=secrets.token_hex(8), workspace_id=learner.workspace_id, question_id=qid, owner_user_id=learner.user_id,
        channel_id=ctx.channel_id, origin=kind.lower(), created_at=deps.clock.now(),
    )
    deps.repo.create_quiz_instance(instance)
    heading = quiz_heading(kind, deps.content.track_title(question.track_id), question)
    return quiz_reply(question, instance.id, heading, Syntax(ctx.platform), private=True, note=note)


@handles(cmd.Quiz)
def quiz(deps: Deps, asker: Asker, command: cmd.Quiz) -> Reply:
    qid, kind = pick_question(deps, asker.learner)
    return show_question(deps, asker.ctx, asker.learner, qid, kind)

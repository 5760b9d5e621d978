"""``quiz``: pick the question that teaches most now, and open a quiz instance the answer will refer to."""

from __future__ import annotations

import secrets

from bot import commands as cmd
from bot.content import PATH_TRACK_ID
from bot.context import Context
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply
from bot.render.learning import quiz_heading, quiz_reply
from bot.store.records import Learner, QuizInstance


def pick_question(deps: Deps, learner: Learner) -> tuple[str, str]:
    """New material from the learner's track first, then the most overdue review; with its heading label."""
    repo, content, now = deps.repo, deps.content, deps.clock.now()
    answered = repo.answered_question_ids(learner.workspace_id, learner.user_id)
    track = content.followed(learner.track)  # a removed workspace track falls back to where newcomers start
    order = content.question_order(track)
    if track == PATH_TRACK_ID:
        for qid in content.path_question_order:
            if qid not in answered:
                return qid, "Quiz"
        order = content.course_question_order
        due = repo.due_cards(learner.workspace_id, learner.user_id, now, 1)
        if due and due[0].question_id in content.questions:
            return due[0].question_id, "Review"
    for qid in order:
        if qid not in answered:
            return qid, "Quiz"
    due = repo.due_cards(learner.workspace_id, learner.user_id, now, 1)
    if due and due[0].question_id in content.questions:
        return due[0].question_id, "Review"
    card = repo.next_card(learner.workspace_id, learner.user_id)
    if card and card.question_id in content.questions:
        return card.question_id, "Practice"
    return order[0], "Quiz"


def show_question(deps: Deps, ctx: Context, learner: Learner, qid: str, kind: str, note: str = "") -> Reply:
    """Open a quiz instance for ``qid`` owned by the learner and render it (``kind`` is its heading label)."""
    question = deps.content.questions[qid]
    instance = QuizInstance(
        id=secrets.token_hex(8), workspace_id=learner.workspace_id, question_id=qid, owner_user_id=learner.user_id,
        channel_id=ctx.channel_id, origin=kind.lower(), created_at=deps.clock.now(),
    )
    deps.repo.create_quiz_instance(instance)
    heading = quiz_heading(kind, deps.content.track_title(question.track_id), question)
    return quiz_reply(question, instance.id, heading, private=True, note=note)


@handles(cmd.Quiz)
def quiz(deps: Deps, asker: Asker, command: cmd.Quiz) -> Reply:
    qid, kind = pick_question(deps, asker.learner)
    return show_question(deps, asker.ctx, asker.learner, qid, kind)

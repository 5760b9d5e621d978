"""``answer``: grade once per learner and quiz, schedule the question's next review, and say why."""

from __future__ import annotations

from datetime import datetime

from bot import commands as cmd
from bot.content import Question
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply, error_reply
from bot.progress.streak import streak_of
from bot.render.learning import already_answered_reply, answer_reply, no_open_quiz, not_an_option, quiz_gone, someone_elses_quiz
from bot.reviews import ScheduledCard
from bot.store.records import AnswerWrite
from bot.streaks import local_date


def points_for(question: Question, correct: bool) -> int:
    """Harder questions are worth more; a wrong answer still earns a point for showing up."""
    return 10 * question.difficulty if correct else 1


@handles(cmd.Answer)
def answer_latest(deps: Deps, asker: Asker, command: cmd.Answer) -> Reply:
    """``answer B`` typed: it answers the learner's most recent open quiz."""
    instance = deps.repo.latest_open_quiz(asker.learner.workspace_id, asker.learner.user_id)
    if instance is None:
        return error_reply(no_open_quiz(asker.say))
    return answer(deps, asker, instance.id, command.letter, via_button=False)


def open_options(deps: Deps, workspace_id: str, user_id: str) -> list[tuple[str, str]]:
    """The letters ``answer`` would accept right now, with their texts: those of the latest open quiz."""
    instance = deps.repo.latest_open_quiz(workspace_id, user_id)
    question = deps.content.questions.get(instance.question_id) if instance is not None else None
    return list(zip(question.letters, question.options, strict=True)) if question is not None else []


def answer(deps: Deps, asker: Asker, instance_id: str, letter: str, via_button: bool) -> Reply:
    """Grade ``letter`` for one quiz instance; a click on one's own quiz replaces the question with the result."""
    learner = asker.learner
    instance = deps.repo.get_quiz_instance(learner.workspace_id, instance_id)
    if instance is None or instance.question_id not in deps.content.questions:
        return error_reply(quiz_gone(asker.say))
    if instance.owner_user_id is not None and instance.owner_user_id != learner.user_id:
        return error_reply(someone_elses_quiz(asker.say))
    question = deps.content.questions[instance.question_id]
    if letter not in question.letters:
        return not_an_option(question, letter, asker.say)
    now = deps.clock.now()
    correct = letter == question.answer
    write = AnswerWrite(
        workspace_id=learner.workspace_id, instance_id=instance.id, user_id=learner.user_id, question_id=question.id,
        letter=letter, correct=correct, points=points_for(question, correct), answered_at=now,
        local_date=local_date(now, learner.tz),
    )
    scheduled: list[datetime] = []
    fitted = deps.repo.get_fsrs_parameters(learner.workspace_id)  # this workspace's, once `aipm reviews optimize` ran

    def schedule(state: str | None) -> ScheduledCard:
        card = deps.reviews.record(state, correct, now, learner.desired_retention, fitted.parameters if fitted else None)
        scheduled.append(card.due_at)
        return card

    if not deps.repo.record_answer(write, schedule):
        previous = deps.repo.get_answer_letter(learner.workspace_id, instance.id, learner.user_id)
        return already_answered_reply(previous or letter, asker.say)
    shared = instance.owner_user_id is None
    return answer_reply(
        question, letter, correct, streak_of(deps, learner), scheduled[0] if scheduled else None, learner.tz,
        replace_original=via_button and not shared, private=True,
    )

"""Reports through the core: the button under every answer, the typed command, admins' list and resolution,
pausing at the threshold, tenancy, and export / forget-me."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.messages import ACTION_REPORT, ACTION_REPORT_REASON
from bot.service import CompanionService
from tests.conftest import Chat
from tests.export_files import open_export
from tests.test_service import correct_letter, wrong_letter

FIRST = "alpha-q-01"  # every new learner on the path is asked this first


def answered(chat: Chat, right: bool = True) -> str:
    """A quiz, answered; the question's id."""
    chat.send("quiz")
    instance = chat.service.repo.get_quiz_instance(chat.ctx.workspace_id, chat.last.quiz_instance_id or "")  # type: ignore[union-attr]
    assert instance is not None
    chat.send(f"answer {correct_letter(chat) if right else wrong_letter(chat)}")
    assert chat.last is not None
    assert chat.last.kind == "answer"
    return instance.question_id


def reports_table(service: CompanionService) -> int:
    return len(service.repo.list_reports(None, open_only=False))


def admin_of(chat: Chat, workspace_id: str | None = None) -> Chat:
    other = chat.as_user("U-admin", is_admin=True)
    return Chat(other.service, replace(other.ctx, workspace_id=workspace_id)) if workspace_id else other


def test_every_answer_offers_report_a_problem_and_a_reason_click_files_it_once(chat: Chat) -> None:
    question = answered(chat)
    button = chat.button("Report a problem")
    assert (button.action_id, button.value) == (ACTION_REPORT, question)

    picker = chat.click("Report a problem")
    assert picker.kind == "report"
    assert [b.label for b in picker.buttons] == ["Wrong answer key", "Unclear", "Outdated", "Typo", "Other"]
    assert {b.action_id for b in picker.buttons} == {ACTION_REPORT_REASON}
    assert "`report <reason> <what you noticed>`" in picker.text
    assert reports_table(chat.service) == 0  # asking for a reason stores nothing

    thanks = chat.click("Unclear", picker)
    assert "reported as **unclear**" in thanks.text
    assert thanks.replace_original  # the picker turns into the thanks
    [stored] = chat.service.repo.list_reports("T1")
    assert (stored.user_id, stored.question_id, stored.reason, stored.text) == ("U1", question, "unclear", "")

    again = chat.click("Typo", picker)  # a double click, or a second reason
    assert "already reported this question (as unclear" in again.text
    assert chat.service.repo.list_reports("T1") == [stored]


def test_report_typed_is_about_the_last_answered_question_and_keeps_the_text(chat: Chat) -> None:
    answered(chat)
    second = answered(chat)
    reply = chat.send("report wrong-key B is right, the explanation says so")
    assert reply.kind == "report"
    [stored] = chat.service.repo.list_reports("T1")
    assert (stored.question_id, stored.reason, stored.text) == (second, "wrong-key", "B is right, the explanation says so")
    assert chat.send("report typo").text.startswith("You already reported this question")
    assert chat.send(f"report {FIRST} outdated").kind == "report"  # an earlier answered question, by id
    assert reports_table(chat.service) == 2


@pytest.mark.parametrize(
    ("first_answer", "text", "says"),
    [
        (False, "report", "haven't answered a question here yet"),
        (False, "report typo", "haven't answered a question here yet"),
        (True, "report wrong-kye", "Did you mean `wrong-key`?"),
        (True, "report because", "is not a reason I know"),
        (True, "report beta-q-01 typo", "you haven't answered `beta-q-01`"),
        (True, "report zeta-q-09 typo", "I don't know a question called `zeta-q-09`"),
    ],
)
def test_bad_reports_are_refused_and_store_nothing(chat: Chat, first_answer: bool, text: str, says: str) -> None:
    if first_answer:
        answered(chat)
    reply = chat.send(text)
    assert reply.kind == "error"
    assert says in reply.text
    assert reports_table(chat.service) == 0


def test_a_forged_reason_button_or_one_for_an_unanswered_question_changes_nothing(chat: Chat) -> None:
    answered(chat)
    for value in (f"{FIRST}:angry", "nonsense", ":typo", "beta-q-01:typo"):
        assert chat.service.handle_action(chat.ctx, ACTION_REPORT_REASON, value).kind == "error"
    assert chat.service.handle_action(chat.ctx, ACTION_REPORT, "beta-q-01").kind == "error"
    assert reports_table(chat.service) == 0


def test_only_admins_see_and_resolve_reports(chat: Chat) -> None:
    answered(chat)
    chat.send("report typo")
    [stored] = chat.service.repo.list_reports("T1")
    refused = chat.send("admin reports")
    assert refused.kind == "error"
    assert "Only workspace admins can see the reports" in refused.text
    assert "Only workspace admins can resolve" in chat.send(f"admin resolve {stored.id} nothing wrong").text
    assert chat.service.repo.list_reports("T1") == [stored]

    admin = admin_of(chat)
    listed = admin.send("admin reports")
    assert f"#{stored.id} **typo**" in listed.text
    assert f"{FIRST} · Alpha basics · 1 learner" in listed.text
    assert "admin resolve <id> <note>" in listed.text


def test_resolving_closes_the_questions_reports_with_the_note(chat: Chat, clock: FixedClock) -> None:
    for user in ("U1", "U2"):
        learner = chat.as_user(user)
        answered(learner)
        learner.send("report unclear")
    first = chat.service.repo.list_reports("T1")[0]
    admin = admin_of(chat)
    assert "2 learners" in admin.send("admin reports").text

    assert "There is no report #999 here" in admin.send("admin resolve 999 fixed").text
    assert admin.send(f"admin resolve {first.id}").kind == "error"  # a note is required
    assert len(chat.service.repo.list_reports("T1")) == 2

    clock.advance(timedelta(hours=1))
    done = admin.send(f"admin resolve #{first.id} reworded option C")
    assert f"Resolved report #{first.id} and 1 other report on the same question" in done.text
    assert chat.service.repo.list_reports("T1") == []
    resolved = chat.service.repo.list_reports("T1", open_only=False)
    assert {(r.resolution, r.resolved_at) for r in resolved} == {("reworded option C", clock.now())}
    again = admin.send(f"admin resolve {first.id} reworded option C")
    assert "already resolved" in again.text
    assert "No open reports here" in admin.send("admin reports").text
    assert "an admin resolved it" in chat.send("report typo").text  # the learner's repeat says what happened


def test_one_workspace_never_sees_or_resolves_anothers_reports(chat: Chat) -> None:
    answered(chat)
    chat.send("report typo")
    [theirs] = chat.service.repo.list_reports("T1")
    elsewhere = admin_of(chat, "T2")
    assert "No open reports here" in elsewhere.send("admin reports").text
    assert f"There is no report #{theirs.id} here" in elsewhere.send(f"admin resolve {theirs.id} mine now").text
    assert chat.service.repo.list_reports("T1") == [theirs]


def test_a_question_reported_by_enough_learners_is_paused_in_that_workspace_only(chat: Chat) -> None:
    chat.service.deps.report_pause_threshold = 2
    for user in ("U1", "U2"):
        learner = chat.as_user(user)
        assert answered(learner) == FIRST
        reply = learner.send("report wrong-key")
    assert "won't ask it here again until an admin resolves it" in reply.text

    newcomer = chat.as_user("U3")
    assert answered(newcomer) != FIRST  # paused here
    other_workspace = Chat(chat.service, replace(chat.ctx, workspace_id="T2", user_id="U9"))
    assert answered(other_workspace) == FIRST  # still asked elsewhere

    admin = admin_of(chat)
    assert "⏸ paused here" in admin.send("admin reports").text
    report_id = chat.service.repo.list_reports("T1")[0].id
    assert "It is asked here again." in admin.send(f"admin resolve {report_id} the key is right").text
    assert answered(chat.as_user("U4")) == FIRST


def test_a_paused_question_is_not_reviewed_and_does_not_count_as_due(chat: Chat, clock: FixedClock) -> None:
    chat.service.deps.report_pause_threshold = 1
    missed = answered(chat, right=False)
    chat.send("report unclear")
    clock.advance(timedelta(days=3))
    assert chat.service.repo.count_due("T1", "U1", clock.now()) == 1  # it would be due, were it not paused
    review = chat.send("review")
    assert review.kind == "review"
    assert review.quiz_instance_id is None  # nothing askable is due
    assert "Nothing is due right now" in review.text
    quiz = chat.send("quiz")
    instance = chat.service.repo.get_quiz_instance("T1", quiz.quiz_instance_id or "")
    assert instance is not None
    assert instance.question_id != missed


def test_export_lists_the_learners_reports_and_forget_me_deletes_them(chat: Chat) -> None:
    question = answered(chat)
    chat.send("report typo teh word")
    other = chat.as_user("U2")
    answered(other)
    other.send("report unclear")

    export = chat.send("export")
    assert export.attachment is not None
    document = open_export(export.attachment.content).document
    [entry] = document["reports"]
    assert (entry["question_id"], entry["reason"], entry["text"], entry["resolved_at"]) == (question, "typo", "teh word", None)
    assert entry["question"] == chat.service.content.questions[question].prompt

    chat.send("forget-me")
    chat.send("yes")
    assert chat.service.repo.learner_reports("T1", "U1") == []
    assert [r.user_id for r in chat.service.repo.list_reports("T1")] == ["U2"]
    again = open_export(chat.send("export").attachment.content).document  # type: ignore[union-attr]
    assert again["reports"] == []


def test_a_long_list_shows_the_first_questions_and_says_how_many_more(chat: Chat) -> None:
    repo = chat.service.repo
    for index in range(20):
        repo.add_report("T1", f"U{index}", f"gone-q-{index:02d}", "typo", "x" * 400, chat.service.clock.now())
    listed = admin_of(chat).send("admin reports")
    assert len([s for s in listed.sections if s.title]) == 15
    assert "20 open reports on 20 questions. 5 more questions not shown" in listed.text
    assert "gone-q-00 · no longer in the course · 1 learner" in listed.text
    assert "x" * 200 not in listed.text  # long notes are cut in the list (the CLI shows them whole)

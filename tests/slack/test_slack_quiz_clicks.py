"""Quizzes by button: the click records the answer and updates the message in place, exactly once."""

from __future__ import annotations

from collections.abc import Callable

from slack_fake_api import FakeSlackApi
from slack_harness import FinishedLog, SlackClient, all_text, button, buttons

from adapters.slack.blocks import message_payload
from app.wiring import Core
from bot.commands.syntax import Syntax
from bot.render import quiz_reply
from bot.store.records import QuizInstance


def test_clicking_an_option_replaces_the_quiz_with_the_result_and_no_options_row(slack: SlackClient, count: Callable[[str], int]) -> None:
    quiz = slack.send("quiz")
    result = slack.click(button(quiz, "A"))
    assert result["replace_original"] is True
    assert "response_type" not in result
    assert [b["text"]["text"] for b in buttons(result)] == ["Next quiz", "Report a problem"]  # the follow-ups, no letters
    assert not [b for b in buttons(result) if b["action_id"].startswith("aipm_answer")]
    assert "Correct answer:" in all_text(result)
    assert ("Right!" in all_text(result)) or ("Not quite." in all_text(result))
    assert count("answers") == 1


def test_a_wrong_click_shows_why_that_option_is_wrong(slack: SlackClient, core: Core) -> None:
    quiz = slack.send("quiz")
    question = next(q for q in core.content.questions.values() if q.prompt[:40] in all_text(quiz))
    wrong = next(letter for letter in question.letters if letter != question.answer)
    result = slack.click(button(quiz, wrong))
    feedback = question.feedback_for(wrong)
    assert feedback
    text = " ".join(all_text(result).split())
    assert f"Why not {wrong}:_ {feedback}" in text
    assert question.explanation.split()[0] in text


def test_the_same_click_delivered_twice_is_applied_once(
    slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog, count: Callable[[str], int],
) -> None:
    quiz = slack.send("quiz")
    payload, response_id = slack.action_payload(button(quiz, "B"), action_ts="1710000000.000100")
    assert slack.click_raw(payload).status == 200
    fake.wait_response(response_id)
    assert slack.click_raw(payload, extra={"X-Slack-Retry-Num": "1"}).status == 200
    finished.wait("action", "duplicate")
    assert count("answers") == 1
    assert len(fake.responses(response_id)) == 1


def test_a_real_double_click_changes_nothing_the_second_time(slack: SlackClient, count: Callable[[str], int], core: Core) -> None:
    quiz = slack.send("quiz")
    first = slack.click(button(quiz, "A"))
    second = slack.click(button(quiz, "C"))
    assert first["replace_original"] is True
    assert "You already answered this quiz (you chose A)" in all_text(second)
    assert second["replace_original"] is False
    assert second["response_type"] == "ephemeral"
    assert count("answers") == 1


def test_a_shared_channel_quiz_answer_goes_to_the_clicker_alone(slack: SlackClient, core: Core, count: Callable[[str], int]) -> None:
    """The daily channel quiz has no owner: anyone may answer once, privately, and the post stays as it is."""
    question = next(iter(core.content.questions.values()))
    core.repo.ensure_workspace("T1", "slack", "fake", core.clock.now())
    core.repo.create_quiz_instance(QuizInstance(
        id="shared1", workspace_id="T1", question_id=question.id, owner_user_id=None, channel_id="C1", origin="delivery", created_at=core.clock.now(),
    ))
    posted = message_payload(quiz_reply(question, "shared1", "Daily quiz", Syntax("slack"), private=False))
    for user in ("U1", "U2"):
        reply = slack.click(button(posted, "A"), user=user, channel="C1", container={"type": "message", "message_ts": "1.0", "channel_id": "C1", "is_ephemeral": False})
        assert reply["response_type"] == "ephemeral"
        assert reply["replace_original"] is False
        assert "Correct answer:" in all_text(reply)
    assert count("answers") == 2


def test_a_button_from_elsewhere_gets_a_friendly_refusal(slack: SlackClient) -> None:
    reply = slack.click({"action_id": "aipm_answer:0", "value": "not-a-quiz:A", "text": {"type": "plain_text", "text": "A"}})
    assert reply["response_type"] == "ephemeral"
    assert "That quiz no longer exists" in all_text(reply)

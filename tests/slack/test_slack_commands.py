"""Every core command through a signed ``/aipm`` slash command, answered ephemerally on the response_url."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_fake_api import FakeSlackApi
from slack_harness import SlackClient, all_text, buttons

from app.wiring import Core


def test_slash_command_acks_empty_and_answers_ephemerally_on_the_response_url(slack: SlackClient) -> None:
    result, response_id = slack.command("help")
    assert result.status == 200
    assert result.body == ""
    message = slack.fake.wait_response(response_id)
    assert message["response_type"] == "ephemeral"
    assert "quiz" in message["text"]
    assert message["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "aipm-companion", "emoji": True}}


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("help", "Here's what I can do"),
        ("tip", "Try this week:"),
        ("streak", "No streak yet"),
        ("stats", "Answered: *0*"),
        ("review", "Nothing to review yet"),
        ("leaderboard week", "Leaderboard · week of"),
        ("leaderboard all", "Leaderboard · all time"),
        ("tracks", "*alpha* — Alpha basics"),
        ("track beta", "You're now following *"),
        ("settings", "Time zone: *Asia/Kolkata* (from your profile)"),
        ("settings tz Europe/Berlin", "Time zone set to *Europe/Berlin*"),
        ("settings time 07:30", "Daily time set to *07:30*"),
        ("subscribe", "Subscribed your direct messages"),
        ("unsubscribe", "There was no daily post here to stop."),
        ("forget-me", "This deletes your answers"),
        ("no-such-command", "help"),
    ],
)
def test_every_command_runs_through_the_slash_command(slack: SlackClient, text: str, expect: str) -> None:
    message = slack.send(text)
    assert message["response_type"] == "ephemeral"
    assert expect in all_text(message)


def test_quiz_has_one_button_per_option_and_answer_letter_works(slack: SlackClient, count: Callable[[str], int]) -> None:
    quiz = slack.send("quiz")
    labels = [b["text"]["text"] for b in buttons(quiz)]
    assert labels[:2] == ["A", "B"]
    action_ids = [b["action_id"] for b in buttons(quiz)]
    assert len(set(action_ids)) == len(action_ids)
    assert all(a.startswith("aipm_answer:") for a in action_ids)

    answer = slack.send("answer B")
    assert "Correct answer:" in all_text(answer)
    assert count("answers") == 1


def test_subscription_and_settings_change_the_database(slack: SlackClient, core: Core) -> None:
    slack.send("subscribe 08:15")
    sub = core.repo.get_subscription("T1", "dm:U1", "dm")
    assert sub is not None
    assert sub.active
    assert sub.local_time == "08:15"
    slack.send("unsubscribe")
    sub = core.repo.get_subscription("T1", "dm:U1", "dm")
    assert sub is not None
    assert not sub.active

    slack.send("settings tz Europe/Berlin")
    learner = core.repo.get_learner("T1", "U1")
    assert learner is not None
    assert learner.tz == "Europe/Berlin"


def test_forget_me_confirm_button_deletes_the_learner(slack: SlackClient, core: Core) -> None:
    slack.send("tip")
    prompt = slack.send("forget-me")
    done = slack.click(next(b for b in buttons(prompt) if b["text"]["text"] == "Yes, delete my data"))
    assert done["replace_original"] is True
    assert "I deleted everything" in all_text(done)
    assert core.repo.get_learner("T1", "U1") is None


def test_first_time_learner_gets_their_slack_time_zone_and_users_info_is_not_asked_again(slack: SlackClient, fake: FakeSlackApi, core: Core) -> None:
    fake.users["U7"] = {"tz": "Asia/Kolkata"}
    slack.send("tip", user="U7")
    learner = core.repo.get_learner("T1", "U7")
    assert learner is not None
    assert (learner.tz, learner.tz_source) == ("Asia/Kolkata", "platform")
    slack.send("streak", user="U7")
    assert [c.params["user"] for c in fake.calls_to("users.info")] == ["U7"]


def test_a_learner_without_a_slack_time_zone_falls_back_and_is_told_how_to_set_it(slack: SlackClient, fake: FakeSlackApi, core: Core) -> None:
    fake.users["U8"] = {"tz": None}
    message = slack.send("tip", user="U8")
    assert "settings tz" in all_text(message)
    learner = core.repo.get_learner("T1", "U8")
    assert learner is not None
    assert learner.tz == "UTC"

"""``/aipm settings retention`` through signed slash commands into the real bolt app."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_harness import SlackClient, all_text

from app.wiring import Core
from bot.clock import FixedClock


def retention(core: Core, user: str = "U1") -> float:
    learner = core.repo.get_learner("T1", user)
    assert learner is not None
    return learner.desired_retention


def answer_right(slack: SlackClient, core: Core, user: str) -> str:
    """Take a quiz and answer it right; the result's text."""
    slack.send("quiz", user=user)
    instance = core.repo.latest_open_quiz("T1", user)
    assert instance is not None
    return all_text(slack.send(f"answer {core.content.questions[instance.question_id].answer}", user=user))


def test_settings_retention_sets_it_and_settings_shows_it(slack: SlackClient, core: Core) -> None:
    reply = slack.send("settings retention 0.85")

    assert reply["response_type"] == "ephemeral"
    assert "Desired retention set to *0.85 (85%)*" in all_text(reply)
    assert retention(core) == 0.85
    shown = all_text(slack.send("settings"))
    assert "Desired retention: *0.85 (85%)*" in shown
    assert "Review spacing: FSRS's default parameters" in shown


@pytest.mark.parametrize(("typed", "says"), [
    ("0.5", "`0.5` is too low"), ("97", "Did you mean `97%` (0.97)?"), ("abc", "`abc` is not a number I can read"),
])
def test_bad_input_gets_a_clear_error_and_changes_nothing(slack: SlackClient, core: Core, typed: str, says: str) -> None:
    slack.send("settings retention 85%")

    reply = slack.send(f"settings retention {typed}")

    assert reply["response_type"] == "ephemeral"
    assert says in all_text(reply)
    assert "between 0.80 and 0.97" in all_text(reply)
    assert retention(core) == 0.85


def test_the_next_review_interval_follows_the_learners_retention(slack: SlackClient, core: Core, clock: FixedClock) -> None:
    slack.send("settings retention 0.85", user="U2")
    now = clock.now()

    at_default, relaxed = answer_right(slack, core, "U1"), answer_right(slack, core, "U2")

    assert f"I'll bring this question back {now + timedelta(days=2):%a %d %b}" in at_default
    assert f"I'll bring this question back {now + timedelta(days=4):%a %d %b}" in relaxed

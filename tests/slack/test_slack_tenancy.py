"""Tenant isolation through Slack's protocol: another workspace's ids lead nowhere."""

from __future__ import annotations

from collections.abc import Callable

from slack_harness import SlackClient, all_text, button


def test_a_click_from_another_workspace_on_our_quiz_changes_nothing(slack: SlackClient, count: Callable[[str], int]) -> None:
    quiz = slack.send("quiz")
    intruder = slack.click(button(quiz, "A"), team="T2")
    assert "no longer exists" in all_text(intruder)
    assert count("answers") == 0
    owner = slack.click(button(quiz, "A"))
    assert "Correct answer:" in all_text(owner)
    assert count("answers") == 1


def test_another_workspace_sees_none_of_our_data(slack: SlackClient) -> None:
    slack.send("quiz")
    slack.send("answer A")
    board = all_text(slack.send("leaderboard all", team="T2"))
    assert "No answers yet" in board
    assert "0 answered" not in board
    assert "Answered: *0*" in all_text(slack.send("stats", team="T2"))

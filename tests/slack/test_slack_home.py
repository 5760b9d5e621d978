"""The App Home tab: published on app_home_opened (once per event, however often Slack retries) and after answers."""

from __future__ import annotations

from typing import Any

from slack_fake_api import FakeSlackApi
from slack_harness import FinishedLog, SlackClient, all_text, button, buttons

HOME_OPENED = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1710000000.000200"}


def _home(call_params: dict[str, Any]) -> dict[str, Any]:
    view = call_params["view"]
    assert view["type"] == "home"
    return dict(view)


def test_opening_the_home_tab_publishes_streak_tip_reviews_and_a_start_button(slack: SlackClient, fake: FakeSlackApi) -> None:
    assert slack.event(HOME_OPENED, event_id="EvHome1").status == 200
    call = fake.wait_for("views.publish")[0]
    assert call.params["user_id"] == "U1"
    view = _home(call.params)
    text = all_text(view)
    assert "Your streak" in text
    assert "No streak yet" in text
    assert "Today's tip" in text
    assert "0 reviews due" in text
    start = button(view, "Start a quiz")
    assert start["action_id"].startswith("aipm_quiz:")
    assert start["style"] == "primary"
    assert call.token == "xoxb-test-bot-token"


def test_a_retried_event_is_applied_once(slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog) -> None:
    assert slack.event(HOME_OPENED, event_id="EvHome2").status == 200
    assert slack.event(HOME_OPENED, event_id="EvHome2", retry_num=1).status == 200
    assert slack.event(HOME_OPENED, event_id="EvHome2", retry_num=2).status == 200
    finished.wait("app_home_opened", "done")
    finished.wait("app_home_opened", "duplicate", count=2)
    assert len(fake.calls_to("views.publish")) == 1


def test_the_messages_tab_does_not_publish_a_home_view(slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog) -> None:
    slack.event({**HOME_OPENED, "tab": "messages"}, event_id="EvMsgTab")
    finished.wait("app_home_opened", "ignored")
    assert fake.calls_to("views.publish") == []


def test_an_answer_refreshes_the_home_tab(slack: SlackClient, fake: FakeSlackApi) -> None:
    slack.event(HOME_OPENED, event_id="EvHome3")
    fake.wait_for("views.publish")
    quiz = slack.send("quiz")
    slack.click(button(quiz, "A"))
    second = fake.wait_for("views.publish", count=2)[1]
    assert "done for today" in all_text(_home(second.params))


def test_start_quiz_from_home_posts_the_quiz_in_the_learners_dm(slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog) -> None:
    slack.event(HOME_OPENED, event_id="EvHome4")
    view = _home(fake.wait_for("views.publish")[0].params)
    payload, _ = slack.action_payload(button(view, "Start a quiz"), container={"type": "view", "view_id": "V1"})
    del payload["channel"]
    assert slack.click_raw(payload).status == 200
    finished.wait("action", "done")
    assert fake.calls_to("conversations.open")[0].params["users"] == "U1"
    posted = fake.wait_for("chat.postMessage")[0].params
    assert posted["channel"] == "DU1"
    assert [b["text"]["text"] for b in buttons(posted)][:2] == ["A", "B"]

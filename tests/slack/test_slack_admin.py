"""Channel subscriptions are for workspace admins and owners, as Slack's users.info reports them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_fake_api import FakeSlackApi
from slack_harness import SlackClient, all_text

from app.wiring import Core


def test_a_member_cannot_subscribe_a_channel(slack: SlackClient, fake: FakeSlackApi, count: Callable[[str], int]) -> None:
    fake.users["U2"] = {"is_admin": False, "is_owner": False}
    reply = slack.send("subscribe", user="U2", channel="C1", channel_name="general")
    assert "Only workspace admins can subscribe a channel" in all_text(reply)
    assert count("subscriptions") == 0
    assert [c.params["user"] for c in fake.calls_to("users.info")] == ["U2"]


@pytest.mark.parametrize("role", ["is_admin", "is_owner"])
def test_an_admin_or_owner_subscribes_the_channel(slack: SlackClient, fake: FakeSlackApi, core: Core, role: str) -> None:
    fake.users["U3"] = {role: True}
    reply = slack.send("subscribe 09:30", user="U3", channel="C1", channel_name="general")
    assert "Subscribed this channel" in all_text(reply)
    sub = core.repo.get_subscription("T1", "C1", "channel")
    assert sub is not None
    assert (sub.active, sub.local_time, sub.platform) == (True, "09:30", "slack")

    reply = slack.send("unsubscribe", user="U3", channel="C1", channel_name="general")
    assert "Unsubscribed" in all_text(reply)


def test_a_member_cannot_unsubscribe_a_channel(slack: SlackClient, fake: FakeSlackApi, core: Core) -> None:
    fake.users["U3"] = {"is_admin": True}
    slack.send("subscribe", user="U3", channel="C1", channel_name="general")
    reply = slack.send("unsubscribe", user="U2", channel="C1", channel_name="general")
    assert "Only workspace admins can unsubscribe" in all_text(reply)
    sub = core.repo.get_subscription("T1", "C1", "channel")
    assert sub is not None
    assert sub.active


def test_workspace_time_zone_needs_an_admin(slack: SlackClient, fake: FakeSlackApi, core: Core) -> None:
    reply = slack.send("settings workspace-tz Europe/Paris", user="U2")
    assert "Only workspace admins" in all_text(reply)
    fake.users["U3"] = {"is_owner": True}
    slack.send("settings workspace-tz Europe/Paris", user="U3")
    workspace = core.repo.get_workspace("T1")
    assert workspace is not None
    assert workspace.default_tz == "Europe/Paris"


def test_subscribing_your_own_dm_needs_no_admin_check(slack: SlackClient, fake: FakeSlackApi, count: Callable[[str], int]) -> None:
    slack.send("tip", user="U4")
    slack.send("subscribe", user="U4", channel="D4", channel_name="directmessage")
    assert count("subscriptions") == 1
    assert len(fake.calls_to("users.info")) == 1  # only the first-time time zone lookup

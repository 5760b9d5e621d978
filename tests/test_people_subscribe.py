"""`subscribe` keeps what you chose: a DM follows your track; changing one setting keeps the others (issue 13)."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.wiring import Core
from bot.clock import FixedClock
from bot.store.records import Subscription
from tests import test_people_counts
from tests.conftest import Chat

# The Slack and Discord helpers import by plain name (their directories are deliberately not packages).
for helpers in ("slack", "discord"):
    sys.path.insert(0, str(Path(__file__).resolve().parent / helpers))

from discord_world import LEARNER, discord_world  # noqa: E402
from fake_discord import CHANNEL_ID, GUILD_ID, MANAGE_GUILD  # noqa: E402
from slack_fake_api import FakeSlackApi  # noqa: E402
from slack_harness import SlackClient, all_text  # noqa: E402

slack_world = test_people_counts.slack_world  # the Slack app on a fake Web API, as a fixture here too


def in_dm(chat: Chat) -> Chat:
    return Chat(chat.service, replace(chat.ctx, is_dm=True, channel_id="D1"))


def as_admin(chat: Chat) -> Chat:
    return Chat(chat.service, replace(chat.ctx, is_admin=True))


def dm_subscription(chat: Chat) -> Subscription:
    sub = chat.service.repo.get_subscription("T1", "dm:U1", "dm")
    assert sub is not None
    return sub


def channel_subscription(chat: Chat) -> Subscription:
    sub = chat.service.repo.get_subscription("T1", "C1", "channel")
    assert sub is not None
    return sub


# in a DM: your own daily quiz follows your track ----------------------------------------------------
def test_subscribing_a_dm_uses_the_track_you_follow(chat: Chat) -> None:
    dm = in_dm(chat)
    dm.send("track beta")

    reply = dm.send("subscribe")

    assert "**Beta data**" in reply.text
    assert dm_subscription(dm).track == "beta"


def test_a_track_named_in_the_command_still_wins_in_a_dm(chat: Chat) -> None:
    dm = in_dm(chat)
    dm.send("track beta")
    dm.send("subscribe alpha")
    assert dm_subscription(dm).track == "alpha"


def test_choosing_a_track_moves_your_daily_dm_with_it(chat: Chat) -> None:
    dm = in_dm(chat)
    dm.send("subscribe 07:00")
    dm.send("track beta")
    assert dm_subscription(dm).track == "beta"
    assert dm_subscription(dm).local_time == "07:00"


def test_resubscribing_a_dm_with_a_new_time_keeps_zone_days_and_track(chat: Chat) -> None:
    dm = in_dm(chat)
    dm.send("subscribe 07:00 Europe/Paris alpha mon,wed")

    reply = dm.send("subscribe 08:30")

    sub = dm_subscription(dm)
    assert (sub.local_time, sub.tz, sub.track, sub.days) == ("08:30", "Europe/Paris", "alpha", "0,2")
    assert "at 08:30 Europe/Paris" in reply.text


def test_a_dm_switched_off_starts_again_from_your_current_settings(chat: Chat) -> None:
    dm = in_dm(chat)
    dm.send("subscribe 07:00 Europe/Paris")
    dm.send("unsubscribe")
    dm.send("settings tz Asia/Tokyo")
    dm.send("track beta")

    dm.send("subscribe")

    sub = dm_subscription(dm)
    assert (sub.tz, sub.track, sub.active) == ("Asia/Tokyo", "beta", True)


# in a channel: one change keeps the rest --------------------------------------------------------------
def test_resubscribing_a_channel_with_only_a_time_keeps_track_zone_and_days(chat: Chat) -> None:
    admin = as_admin(chat)
    admin.send("subscribe 08:15 Europe/Berlin alpha mon,wed")

    reply = admin.send("subscribe 10:00")

    sub = channel_subscription(admin)
    assert (sub.local_time, sub.tz, sub.track, sub.days, sub.active) == ("10:00", "Europe/Berlin", "alpha", "0,2", True)
    assert "**Alpha basics**: a tip and a quiz at 10:00 Europe/Berlin" in reply.text


def test_each_setting_changes_alone_in_a_channel(chat: Chat) -> None:
    admin = as_admin(chat)
    admin.send("subscribe 08:15 Europe/Berlin alpha mon,wed")
    admin.send("subscribe America/New_York")
    admin.send("subscribe beta")
    admin.send("subscribe daily")
    sub = channel_subscription(admin)
    assert (sub.local_time, sub.tz, sub.track, sub.days) == ("08:15", "America/New_York", "beta", "0,1,2,3,4,5,6")


def test_a_channel_resubscribed_after_unsubscribe_keeps_its_settings(chat: Chat) -> None:
    admin = as_admin(chat)
    admin.send("subscribe 08:15 Europe/Berlin alpha mon,wed")
    admin.send("unsubscribe")
    admin.send("subscribe 10:00")
    sub = channel_subscription(admin)
    assert (sub.local_time, sub.tz, sub.track, sub.days, sub.active) == ("10:00", "Europe/Berlin", "alpha", "0,2", True)


def test_the_new_time_moves_the_next_post(chat: Chat, clock: FixedClock) -> None:
    admin = as_admin(chat)  # START is Monday 12:00 UTC, 13:00 in Berlin
    admin.send("subscribe 08:15 Europe/Berlin alpha mon,wed")
    admin.send("subscribe 14:00")
    sub = channel_subscription(admin)
    assert sub.next_due_at is not None
    assert sub.next_due_at - clock.now() == timedelta(hours=1)


# Slack: signed slash commands into the real bolt app ---------------------------------------------------
def test_slack_dm_and_channel_subscriptions_keep_what_was_chosen(slack_world: tuple[SlackClient, FakeSlackApi, Core, FixedClock]) -> None:
    slack, fake, core, _ = slack_world
    slack.send("track beta")
    assert "*Beta data*" in all_text(slack.send("subscribe"))
    dm = core.repo.get_subscription("T1", "dm:U1", "dm")
    assert dm is not None
    assert dm.track == "beta"

    fake.users["U3"] = {"is_admin": True}
    slack.send("subscribe 08:15 Europe/Berlin alpha mon,wed", user="U3", channel="C1", channel_name="general")
    reply = all_text(slack.send("subscribe 10:00", user="U3", channel="C1", channel_name="general"))
    sub = core.repo.get_subscription("T1", "C1", "channel")
    assert sub is not None
    assert (sub.local_time, sub.tz, sub.track, sub.days) == ("10:00", "Europe/Berlin", "alpha", "0,2")
    assert "10:00 Europe/Berlin" in reply


# Discord: the real discord.py client against the fake gateway -----------------------------------------
def test_discord_dm_and_channel_subscriptions_keep_what_was_chosen(tmp_path: Path) -> None:
    admin: dict[str, Any] = {"permissions": MANAGE_GUILD}

    async def conversation() -> tuple[Subscription | None, Subscription | None, str]:
        async with discord_world(tmp_path) as world:
            await world.send("track", {"name": "beta"}, dm=True)
            await world.send("subscribe", None, dm=True)
            await world.send("subscribe", {"time": "08:15", "tz": "Europe/Berlin", "track": "alpha", "days": "mon,wed"}, **admin)
            reply: Any = await world.send("subscribe", {"time": "10:00"}, **admin)
            dm = world.repo.get_subscription(f"dm:{LEARNER}", f"dm:{LEARNER}", "dm")
            channel = world.repo.get_subscription(str(GUILD_ID), str(CHANNEL_ID), "channel")
            return dm, channel, reply.text

    dm, channel, reply = asyncio.run(asyncio.wait_for(conversation(), 45))

    assert dm is not None
    assert dm.track == "beta"
    assert channel is not None
    assert (channel.local_time, channel.tz, channel.track, channel.days) == ("10:00", "Europe/Berlin", "alpha", "0,2")
    assert "10:00 Europe/Berlin" in reply

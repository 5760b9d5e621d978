"""Admin rights come from the member's resolved permissions on each interaction, never from a command hint."""

from __future__ import annotations

from pathlib import Path

from discord_world import LEARNER, discord_world
from fake_discord import CHANNEL_ID, GUILD_ID, MANAGE_GUILD

ADMINISTRATOR = 1 << 3
SEND_MESSAGES = 1 << 11


async def test_subscribe_without_manage_server_is_refused_and_stores_nothing(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        reply = await world.send("subscribe", {"time": "08:00"}, permissions=SEND_MESSAGES)

        assert reply.ephemeral
        assert "Only workspace admins can subscribe a channel" in reply.text
        assert world.count("subscriptions") == 0


async def test_subscribe_with_manage_server_subscribes_this_channel(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        reply = await world.send("subscribe", {"time": "08:00"}, permissions=MANAGE_GUILD)

        assert reply.ephemeral
        assert "Subscribed this channel" in reply.text
        sub = world.repo.get_subscription(str(GUILD_ID), str(CHANNEL_ID), "channel")
        assert sub is not None
        assert sub.active
        assert sub.platform == "discord"
        assert sub.local_time == "08:00"
        assert world.count("subscriptions") == 1


async def test_administrator_counts_as_admin(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        await world.send("subscribe", None, permissions=ADMINISTRATOR)

        assert world.count("subscriptions", "kind = 'channel'") == 1


async def test_unsubscribe_a_channel_needs_manage_server_too(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        await world.send("subscribe", None, permissions=MANAGE_GUILD)

        refused = await world.send("unsubscribe", permissions=0)
        assert "Only workspace admins" in refused.text
        assert world.count("subscriptions", "active = 1") == 1

        done = await world.send("unsubscribe", permissions=MANAGE_GUILD)
        assert "Unsubscribed" in done.text
        assert world.count("subscriptions", "active = 1") == 0


async def test_server_time_zone_is_for_admins_only(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        refused = await world.send("settings server-tz", {"zone": "Asia/Tokyo"})

        assert refused.ephemeral
        assert "Only workspace admins can set the default time zone" in refused.text
        workspace = world.repo.get_workspace(str(GUILD_ID))
        assert workspace is None or workspace.default_tz is None


async def test_in_a_dm_anyone_subscribes_their_own_daily_quiz(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        reply = await world.send("subscribe", {"time": "07:00", "tz": "Europe/Paris"}, dm=True)

        assert "Subscribed your direct messages" in reply.text
        sub = world.repo.get_subscription(f"dm:{LEARNER}", f"dm:{LEARNER}", "dm")
        assert sub is not None
        assert sub.user_id == str(LEARNER)
        assert sub.tz == "Europe/Paris"

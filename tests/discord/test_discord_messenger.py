"""Scheduled posts through DiscordMessenger: channel and DM sends, nonces, rate limits and refusals."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from discord_world import LEARNER, World, discord_world
from fake_discord import ADMIN_ROLE_ID, CHANNEL_ID, GUILD_ID, OWNER_ID, dm_channel_id

from adapters.discord.messenger import DiscordMessenger, nonce_for
from bot.messages import ACTION_START_QUIZ, Button, Image, Reply, Section
from bot.ports import Destination, PermanentDeliveryError, TransientDeliveryError

CHANNEL = Destination(str(GUILD_ID), "discord", str(CHANNEL_ID), "channel")
DM = Destination(str(GUILD_ID), "discord", f"dm:{LEARNER}", "dm", user_id=str(LEARNER))
POST = Reply(
    text="Daily tip", kind="delivery",
    sections=(Section(title="Daily tip", text="Measure quality as a **rate**.", buttons=(Button("Start a quiz", ACTION_START_QUIZ, "daily", "primary"),)),),
    private=False,
)
MESSAGES = r"/channels/\d+/messages$"


def messenger(world: World) -> DiscordMessenger:
    assert world.runner is not None
    return world.runner.messenger


async def test_a_channel_post_carries_the_embed_buttons_and_an_enforced_nonce(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        message_id = await messenger(world).send(CHANNEL, POST, "sub-7:2025-03-03:tip")

        hit = (await world.fake.wait_for(lambda h: h.kind == "channel_message"))[0]
        assert hit.path == f"/api/v10/channels/{CHANNEL_ID}/messages"
        assert hit.body["nonce"] == nonce_for("sub-7:2025-03-03:tip")
        assert len(hit.body["nonce"]) == 25
        assert hit.body["enforce_nonce"] is True
        assert hit.embeds[0]["title"] == "Daily tip"
        assert "**rate**" in hit.embeds[0]["description"]
        assert hit.custom_ids == [f"{ACTION_START_QUIZ}|daily"]
        assert message_id == hit.message["id"]  # type: ignore[index]


async def test_a_retried_send_with_the_same_key_is_deduplicated_by_discord(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        first = await messenger(world).send(CHANNEL, POST, "sub-7:2025-03-03:tip")
        again = await messenger(world).send(CHANNEL, POST, "sub-7:2025-03-03:tip")
        other = await messenger(world).send(CHANNEL, POST, "sub-7:2025-03-04:tip")

        assert first == again != other
        assert len(world.fake.messages) == 2


async def test_a_dm_opens_the_conversation_first(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        await messenger(world).send(DM, POST, "dm-3:2025-03-03:tip")

        opened = (await world.fake.wait_for(lambda h: h.kind == "dm_open"))[0]
        posted = (await world.fake.wait_for(lambda h: h.kind == "channel_message"))[0]
        assert opened.body == {"recipient_id": LEARNER}
        assert posted.path == f"/api/v10/channels/{dm_channel_id(LEARNER)}/messages"


async def test_a_429_on_a_channel_post_is_retried_after_retry_after(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        world.fake.fail_next("POST", MESSAGES, 429, retry_after=0.05)

        message_id = await messenger(world).send(CHANNEL, POST, "sub-7:2025-03-03:tip")

        posts = await world.fake.wait_for(lambda h: h.kind == "channel_message", count=2)
        assert [h.status for h in posts] == [429, 200]
        assert int(message_id) in world.fake.messages
        assert len(world.fake.messages) == 1


async def test_a_long_rate_limit_is_handed_back_to_the_scheduler(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        world.fake.fail_next("POST", MESSAGES, 429, retry_after=3600)

        with pytest.raises(TransientDeliveryError) as raised:
            await messenger(world).send(CHANNEL, POST, "sub-7:2025-03-03:tip")

        assert raised.value.retry_after == 3600


@pytest.mark.parametrize("status", [403, 404])
async def test_missing_access_or_unknown_channel_is_permanent(tmp_path: Path, status: int) -> None:
    async with discord_world(tmp_path) as world:
        world.fake.fail_next("POST", MESSAGES, status)

        with pytest.raises(PermanentDeliveryError):
            await messenger(world).send(CHANNEL, POST, "sub-7:2025-03-03:tip")


async def test_a_server_error_is_transient(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        world.fake.fail_next("POST", MESSAGES, 503)

        with pytest.raises(TransientDeliveryError):
            await messenger(world).send(CHANNEL, POST, "sub-7:2025-03-03:tip")


async def test_a_destination_that_is_not_a_discord_id_is_permanent(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        with pytest.raises(PermanentDeliveryError):
            await messenger(world).send(Destination(str(GUILD_ID), "discord", "C0123ABC", "channel"), POST, "k")


async def test_it_can_be_called_from_another_thread_with_its_own_loop(tmp_path: Path) -> None:
    """The delivery scheduler runs its own event loop; the send must hop onto the client's."""
    async with discord_world(tmp_path) as world:
        sender = messenger(world)

        since = datetime.now(UTC) - timedelta(minutes=1)
        message_id = await asyncio.to_thread(asyncio.run, sender.send(CHANNEL, POST, "sub-7:2025-03-03:tip"))

        assert int(message_id) in world.fake.messages
        found = await asyncio.to_thread(asyncio.run, sender.find_sent(CHANNEL, "sub-7:2025-03-03:tip", since))
        assert found == message_id


async def test_an_image_is_attached_and_shown_in_the_embed(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\nfake-chart"
    chart = Reply(text="Your week", kind="stats", sections=(Section(title="Your week", text="Answers per day"),), image=Image(png, "answers per day", "week.png"))
    async with discord_world(tmp_path) as world:
        await messenger(world).send(CHANNEL, chart, "recap-1")

        hit = (await world.fake.wait_for(lambda h: h.kind == "channel_message"))[0]
        assert hit.files == [("week.png", png)]
        assert hit.embeds[0]["image"]["url"] == "attachment://week.png"
        assert hit.body["attachments"][0]["filename"] == "week.png"


async def test_sending_while_the_client_is_not_running_is_transient() -> None:
    with pytest.raises(TransientDeliveryError):
        await DiscordMessenger().send(CHANNEL, POST, "k")


async def test_a_send_retried_after_the_nonce_window_is_found_in_history_not_posted_again(tmp_path: Path) -> None:
    """Discord forgets nonces within minutes and never returns them from history: find_sent reads the post's reference."""
    async with discord_world(tmp_path) as world:
        since = datetime.now(UTC) - timedelta(minutes=5)
        sent = await messenger(world).send(CHANNEL, POST, "sub-9:2025-03-03:tip")
        world.fake._nonces.clear()  # the nonce window has passed
        assert await messenger(world).find_sent(CHANNEL, "sub-9:2025-03-03:tip", since) == sent
        assert await messenger(world).find_sent(CHANNEL, "sub-9:2025-03-04:tip", since) is None
        [message] = world.fake.messages.values()
        assert message["embeds"][0]["footer"]["text"].startswith("AI PM companion · ref ")


# is_admin: the member's permissions in the server, by the rule requests use (context.grants_admin) ------------
ADMIN_ID = 600000000000000099
MEMBER = r"/guilds/\d+/members/\d+$"


async def _is_admin(world: World, user_id: int | str, guild: int | str = GUILD_ID) -> bool | None:
    return await messenger(world).is_admin(str(guild), str(user_id))


async def test_is_admin_fetches_the_member_and_reads_their_roles(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        world.fake.members[ADMIN_ID] = [ADMIN_ROLE_ID]
        world.fake.members[LEARNER] = []

        assert await _is_admin(world, ADMIN_ID) is True
        assert await _is_admin(world, LEARNER) is False
        assert await _is_admin(world, OWNER_ID) is True  # the owner needs no role

        fetched = [h.path for h in world.fake.hits if h.kind == "member"]
        assert fetched == [f"/api/v10/guilds/{GUILD_ID}/members/{user}" for user in (ADMIN_ID, LEARNER, OWNER_ID)]


async def test_is_admin_follows_a_demotion_and_a_departure(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        world.fake.members[ADMIN_ID] = [ADMIN_ROLE_ID]
        assert await _is_admin(world, ADMIN_ID) is True
        world.fake.demote(ADMIN_ID)
        assert await _is_admin(world, ADMIN_ID) is False
        world.fake.members[ADMIN_ID] = [ADMIN_ROLE_ID]
        world.fake.leave(ADMIN_ID)
        assert await _is_admin(world, ADMIN_ID) is False  # Unknown Member


async def test_outside_a_server_nobody_is_an_admin(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        assert await _is_admin(world, LEARNER, guild=f"dm:{LEARNER}") is False
        assert [h for h in world.fake.hits if h.kind == "member"] == []


@pytest.mark.parametrize(("status", "retry_after"), [(429, 3600.0), (503, None)])
async def test_is_admin_cannot_tell_when_discord_cannot_answer(tmp_path: Path, status: int, retry_after: float | None) -> None:
    async with discord_world(tmp_path) as world:
        world.fake.members[ADMIN_ID] = [ADMIN_ROLE_ID]
        world.fake.fail_next("GET", MEMBER, status, retry_after=retry_after)
        assert await _is_admin(world, ADMIN_ID) is None
        assert await _is_admin(world, ADMIN_ID) is True  # the next look-up works


async def test_is_admin_cannot_tell_while_the_client_is_not_running() -> None:
    assert await DiscordMessenger().is_admin(str(GUILD_ID), str(ADMIN_ID)) is None


async def test_is_admin_without_access_to_the_server_is_permanent(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        world.fake.fail_next("GET", MEMBER, 403)
        with pytest.raises(PermanentDeliveryError):
            await _is_admin(world, ADMIN_ID)

"""The adapter against Discord's protocol: command sync, autocomplete, defers, rate limits, bad input, secrets."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from discord_world import LEARNER, START, World, discord_world, load_test_curriculum, question_letters
from fake_discord import (
    APP_ID,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    GUILD_ID,
    TOKEN,
    UPDATE_MESSAGE,
    FakeDiscord,
    Hit,
)

from adapters.discord.bridge import INTERNAL_ERROR
from adapters.discord.client import UNKNOWN_COMMAND
from bot.clock import FixedClock
from bot.messages import Image, Reply, Section
from bot.service import CompanionService, Context
from tests.databases import fresh_database_url

FAST = 0.05  # seconds before the bridge defers, for the slow-core tests
PNG = b"\x89PNG\r\n\x1a\nchart"


def aipm_command(sync: Hit) -> dict[str, Any]:
    return next(c for c in sync.body if c["name"] == "aipm")


def option(parent: dict[str, Any], name: str) -> dict[str, Any]:
    return next(o for o in parent.get("options", []) if o["name"] == name)


async def test_commands_are_synced_globally_as_one_aipm_group(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        sync = (await world.fake.wait_for(lambda h: h.kind == "sync"))[0]

        assert sync.method == "PUT"
        assert sync.path == f"/api/v10/applications/{APP_ID}/commands"
        aipm = aipm_command(sync)
        names = {o["name"] for o in aipm["options"]}
        assert names >= {"help", "tip", "quiz", "answer", "streak", "stats", "review", "leaderboard", "tracks", "track",
                         "settings", "subscribe", "unsubscribe", "forget-me"}
        settings = option(aipm, "settings")
        assert settings["type"] == 2
        assert {o["name"] for o in settings["options"]} == {"show", "tz", "time", "nudges", "retention", "server-tz"}
        assert option(option(settings, "tz"), "zone")["autocomplete"] is True
        assert option(option(aipm, "track"), "name")["autocomplete"] is True  # the course's tracks and the server's own
        admin = option(aipm, "admin")
        assert {o["name"] for o in admin["options"]} >= {"help", "import", "content", "content-remove"}
        assert option(option(admin, "import"), "file")["type"] == 11  # an attachment
        assert option(option(admin, "import"), "file")["required"] is True
        assert option(option(aipm, "answer"), "letter")["autocomplete"] is True  # the open question's letters
        subscribe = option(aipm, "subscribe")
        assert {o["name"]: o.get("required", False) for o in subscribe["options"]} == {"time": False, "tz": False, "track": False, "days": False}
        assert "default_member_permissions" not in aipm or aipm["default_member_permissions"] is None


async def test_with_a_guild_id_commands_are_synced_to_that_server_and_answer_there(tmp_path: Path) -> None:
    async with discord_world(tmp_path, guild_id=GUILD_ID) as world:
        sync = (await world.fake.wait_for(lambda h: h.kind == "sync"))[0]
        assert sync.path == f"/api/v10/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
        assert aipm_command(sync)

        token = await world.fake.interact(world.fake.slash("streak", guild_command=True))
        reply = await world.fake.response_to(token)

        assert "No streak yet" in reply.text


async def test_time_zones_autocomplete_from_what_the_user_typed(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        token = await world.fake.interact(world.fake.slash("settings tz", {"zone": "paris"}, focused="zone"))
        reply = (await world.fake.wait_for(lambda h: h.token == token))[0]

        assert reply.callback_type == AUTOCOMPLETE_RESULT
        choices = reply.body["data"]["choices"]
        assert {"name": "Europe/Paris", "value": "Europe/Paris"} in choices
        assert world.count("learners") == 0, "autocomplete must not touch the store"


async def test_autocomplete_never_offers_more_than_25(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        token = await world.fake.interact(world.fake.slash("subscribe", {"tz": "a"}, focused="tz"))
        reply = (await world.fake.wait_for(lambda h: h.token == token))[0]

        assert len(reply.body["data"]["choices"]) == 25


@pytest.mark.parametrize(
    ("path", "options"),
    [("dance", None), ("settings", None), ("settings tz", None), ("leaderboard", {"scope": "forever"}), ("settings lunch", {"when": "12:00"})],
    ids=["unknown-subcommand", "group-invoked", "missing-required-option", "value-outside-choices", "unknown-nested"],
)
async def test_malformed_command_data_gets_a_private_hint_and_stores_nothing(tmp_path: Path, path: str, options: dict[str, str] | None) -> None:
    async with discord_world(tmp_path) as world:
        reply = await world.send(path, options)

        assert reply.callback_type == CHANNEL_MESSAGE
        assert reply.ephemeral
        assert reply.text.strip(), "the user must be told something"
        assert world.count("learners") == 0
        assert world.count("workspaces") == 0


async def test_an_unknown_subcommand_is_answered_with_the_help_hint(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        reply = await world.send("dance")

        assert UNKNOWN_COMMAND.split("(")[0] in reply.text


async def test_a_rate_limited_interaction_callback_is_retried_after_retry_after(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        world.fake.fail_next("POST", r"/callback$", 429, retry_after=0.05)
        token = await world.fake.interact(world.fake.slash("streak"))

        reply = await world.fake.response_to(token)

        callbacks = [h for h in world.fake.hits_for(token) if h.kind == "callback"]
        assert [h.status for h in callbacks] == [429, 200]
        assert "No streak yet" in reply.text


class GatedService(CompanionService):
    """Holds every core call until the test opens the gate: a core slower than Discord's patience."""

    gate = threading.Event()

    def handle_text(self, ctx: Context, text: str) -> Reply:
        assert self.gate.wait(10), "the test never opened the gate"
        return super().handle_text(ctx, text)

    def handle_action(self, ctx: Context, action_id: str, value: str) -> Reply:
        assert self.gate.wait(10), "the test never opened the gate"
        return super().handle_action(ctx, action_id, value)


@pytest.fixture
def gate() -> threading.Event:
    GatedService.gate = threading.Event()
    return GatedService.gate


async def test_a_slow_command_is_deferred_privately_then_answered_by_follow_up(tmp_path: Path, gate: threading.Event) -> None:
    async with discord_world(tmp_path, defer_after=FAST, service_type=GatedService) as world:
        token = await world.fake.interact(world.fake.slash("quiz"))

        deferred = (await world.fake.wait_for(lambda h: h.token == token))[0]
        assert deferred.callback_type == DEFERRED_CHANNEL_MESSAGE
        assert deferred.ephemeral
        assert len(world.fake.hits_for(token)) == 1, "nothing may follow before the core has answered"
        gate.set()
        followup = await world.fake.response_to(token)

        assert followup.kind == "followup"
        assert followup.method == "POST"
        assert "Tap a letter" in followup.text
        assert followup.message is deferred.message, "the answer replaces the 'thinking…' message"
        assert followup.custom_ids


async def test_a_slow_click_is_deferred_as_an_update_then_edits_the_quiz(tmp_path: Path, gate: threading.Event) -> None:
    async with discord_world(tmp_path, defer_after=FAST, service_type=GatedService) as world:
        gate.set()
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)
        gate.clear()
        assert quiz.message is not None
        custom_id = next(cid for cid in quiz.custom_ids if cid.endswith(f":{right}"))

        token = await world.fake.interact(world.fake.click(quiz.message, custom_id))
        deferred = (await world.fake.wait_for(lambda h: h.token == token))[0]
        assert deferred.callback_type == DEFERRED_UPDATE_MESSAGE
        gate.set()
        edit = await world.fake.response_to(token)

        assert edit.kind == "edit_original"
        assert edit.method == "PATCH"
        assert edit.path.endswith("/messages/@original")
        assert "✅ **Right!**" in edit.text
        labels = [c.get("label") for row in edit.components for c in row["components"]]
        assert labels == ["Next quiz", "Report a problem"], "the answer buttons are gone; only the follow-ups remain"
        assert world.fake.messages[int(quiz.message["id"])]["embeds"] == edit.embeds


class BrokenService(CompanionService):
    def handle_text(self, ctx: Context, text: str) -> Reply:
        raise RuntimeError("boom")


async def test_a_core_crash_becomes_a_private_apology_not_a_silent_failure(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with discord_world(tmp_path, service_type=BrokenService) as world:
        reply = await world.send("quiz")

        assert reply.ephemeral
        assert INTERNAL_ERROR in reply.text
        assert "the core failed" in caplog.text


async def test_a_dm_without_a_server_is_its_own_workspace(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        reply = await world.send("quiz", dm=True)

        assert reply.ephemeral
        assert "Tap a letter" in reply.text
        learner = world.repo.get_learner(f"dm:{LEARNER}", str(LEARNER))
        assert learner is not None
        assert learner.display_name == "Learner"
        assert world.repo.get_learner(str(GUILD_ID), str(LEARNER)) is None


async def test_the_context_names_the_server_and_the_member(tmp_path: Path) -> None:
    seen: list[Context] = []

    class Spy(CompanionService):
        def handle_text(self, ctx: Context, text: str) -> Reply:
            seen.append(ctx)
            return super().handle_text(ctx, text)

    async with discord_world(tmp_path, service_type=Spy) as world:
        await world.send("settings tz", {"zone": "Europe/Paris"}, name="ada")

    assert seen == [Context(
        workspace_id=str(GUILD_ID), platform="discord", user_id=str(LEARNER), display_name="Ada", channel_id=str(world.fake.guilds[0]["channels"][0]["id"]),
        is_dm=False, is_admin=False, platform_tz=None, workspace_name="Product Guild",
    )]


async def test_the_bot_token_is_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)
        result = await world.click(quiz, right)
        assert result.callback_type == UPDATE_MESSAGE

    assert caplog.records, "debug logging must have been captured for this test to mean anything"
    assert TOKEN not in caplog.text
    assert TOKEN.split(".")[0] not in caplog.text


async def test_a_rejected_token_stops_the_adapter_with_advice_and_without_echoing_it(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeDiscord(token="the-token-discord-expects")
    await fake.start()
    world = World(fake, fresh_database_url(tmp_path, "t.db"), load_test_curriculum(), FixedClock(START))
    try:
        with pytest.raises(AssertionError, match="did not become ready"):
            await world.start_bot()
        assert world.runner is not None
        assert world.runner.stopped.is_set()
        assert "Discord rejected DISCORD_TOKEN" in caplog.text
        assert TOKEN not in caplog.text
        assert world.fake.identify_count == 0
    finally:
        await world.stop_bot()
        await fake.stop()
        world.close()


class ChartService(CompanionService):
    def handle_text(self, ctx: Context, text: str) -> Reply:
        return Reply(text="Your week", kind="stats", sections=(Section(title="Your week", text="Answers per day"),), image=Image(PNG, "answers per day", "week.png"))


async def test_a_reply_with_a_chart_uploads_it_with_the_interaction_response(tmp_path: Path) -> None:
    async with discord_world(tmp_path, service_type=ChartService) as world:
        reply = await world.send("stats")

        assert reply.ephemeral
        assert reply.files == [("week.png", PNG)]
        assert reply.embeds[0]["image"]["url"] == "attachment://week.png"

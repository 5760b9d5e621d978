"""Every ``/aipm`` subcommand, delivered as INTERACTION_CREATE over the gateway and answered through REST."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from discord_world import LEARNER, World, discord_world, question_letters
from fake_discord import CHANNEL_ID, GUILD_ID, MANAGE_GUILD, UPDATE_MESSAGE

from adapters.discord.bridge import CoreBridge
from adapters.discord.commands import build_aipm_group, subcommand_names

WS = str(GUILD_ID)
ME = str(LEARNER)
ADMIN: dict[str, Any] = {"permissions": MANAGE_GUILD}


def learner_field(name: str) -> Callable[[World], Any]:
    def read(world: World) -> Any:
        learner = world.repo.get_learner(WS, ME)
        assert learner is not None
        return getattr(learner, name)

    return read


def workspace_tz(world: World) -> str | None:
    workspace = world.repo.get_workspace(WS)
    return workspace.default_tz if workspace else None


def channel_subscription(world: World) -> tuple[str, str, str, str] | None:
    sub = world.repo.get_subscription(WS, str(CHANNEL_ID), "channel")
    return (sub.local_time, sub.tz, sub.track, sub.days) if sub and sub.active else None


# (subcommand path, options, who, text the reply must contain, (read state, expected) or None)
CASES: list[tuple[str, dict[str, str] | None, dict[str, Any], str, tuple[Callable[[World], Any], Any] | None]] = [
    ("help", None, {}, "Here's what I can do", None),
    ("tip", None, {}, "**Try this week:**", (lambda w: w.count("tip_views"), 1)),
    ("quiz", None, {}, "Tap a letter", (lambda w: w.count("quiz_instances"), 1)),
    ("streak", None, {}, "No streak yet", None),
    ("stats", None, {}, "Answered: **0**", None),
    ("review", None, {}, "Nothing to review yet", None),
    ("leaderboard", None, {}, "Leaderboard · week of", None),
    ("leaderboard", {"scope": "all"}, {}, "Leaderboard · all time", None),
    ("tracks", None, {}, "**beta** — Beta data", None),
    ("track", {"name": "beta"}, {}, "You're now following **Beta data**", (learner_field("track"), "beta")),
    ("settings show", None, {}, "Time zone: **UTC**", None),
    ("settings tz", {"zone": "Europe/Paris"}, {}, "Time zone set to **Europe/Paris**", (learner_field("tz"), "Europe/Paris")),
    ("settings time", {"time": "7:30"}, {}, "Daily time set to **07:30**", (learner_field("daily_time"), "07:30")),
    ("settings nudges", {"state": "off"}, {}, "Evening nudges are off", (learner_field("nudges"), False)),
    ("settings retention", {"target": "0.85"}, {}, "Desired retention set to **0.85 (85%)**", (learner_field("desired_retention"), 0.85)),
    ("settings server-tz", {"zone": "America/New_York"}, ADMIN, "default time zone here is now **America/New_York**", (workspace_tz, "America/New_York")),
    (
        "subscribe", {"time": "08:15", "tz": "Europe/Berlin", "track": "alpha", "days": "mon,wed"}, ADMIN, "Subscribed this channel",
        (channel_subscription, ("08:15", "Europe/Berlin", "alpha", "0,2")),
    ),
    # Discord sends the tz option as a word among the others: an abbreviation or a city is still read as the zone
    ("subscribe", {"tz": "EST"}, ADMIN, "is a fixed UTC-5 offset with no daylight saving", (lambda w: w.count("subscriptions"), 0)),
    (
        "subscribe", {"tz": "new york", "track": "beta"}, ADMIN, "Subscribed this channel",
        (channel_subscription, ("09:00", "America/New_York", "beta", "0,1,2,3,4")),  # a channel posts on weekdays unless told
    ),
    ("unsubscribe", None, ADMIN, "There was no daily post here to stop.", None),
    ("admin help", None, ADMIN, "dmin commands", None),
    ("team", None, ADMIN, "Too few learners for a team report yet", None),
    (
        "admin report", {"state": "on"}, ADMIN, "team report comes to you by direct message every Monday",
        (lambda w: bool(w.repo.get_subscription(WS, f"dm:{ME}", "report")), True),
    ),
    ("admin reports", None, ADMIN, "No open reports here", None),
    ("admin resolve", {"id": "7", "note": "fixed it"}, ADMIN, "There is no report #7 here", None),
    ("report", {"reason": "typo"}, {}, "You haven't answered a question here yet", (lambda w: w.count("reports"), 0)),
    ("admin content", None, ADMIN, "no tracks of its own yet", None),
    ("admin content-remove", {"track": "nope"}, ADMIN, "no track of its own called `nope`", None),
    ("export", None, {}, "Your data export", None),
    ("forget-me", None, {}, "This deletes your answers", (lambda w: w.count("learners"), 1)),
]


@pytest.mark.parametrize(("path", "options", "who", "expected", "state"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
async def test_each_subcommand_reaches_the_core_and_answers_privately(
    tmp_path: Path, path: str, options: dict[str, str] | None, who: dict[str, Any], expected: str,
    state: tuple[Callable[[World], Any], Any] | None,
) -> None:
    async with discord_world(tmp_path) as world:
        reply = await world.send(path, options, **who)

        assert world.is_private(reply), "personal replies must be ephemeral (flag 64)"
        assert expected in reply.text
        assert reply.embeds[0]["description"]
        if state is not None:
            read, value = state
            assert read(world) == value


def test_the_cases_cover_every_subcommand() -> None:
    """A subcommand added to the group without a case here fails this test."""
    group = build_aipm_group(CoreBridge(None))  # type: ignore[arg-type]
    covered = {case[0] for case in CASES} | {"answer", "admin import"}  # admin import takes a file: test_discord_content.py
    assert covered == set(subcommand_names(group))


async def test_answer_subcommand_answers_the_open_quiz(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)

        reply = await world.send("answer", {"letter": right})

        assert reply.ephemeral
        assert "✅ **Right!**" in reply.text
        assert world.count("answers", "user_id = ? AND correct = 1", (ME,)) == 1


async def test_a_slash_command_reply_carries_its_buttons_and_they_work(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        warning = await world.send("forget-me")
        assert warning.labels == ["Yes, delete my data", "Cancel"]
        await world.send("tip")

        done = await world.click(warning, "Yes, delete my data")

        assert done.callback_type == UPDATE_MESSAGE
        assert "I deleted everything I had about you" in done.text
        assert done.components == []
        assert world.count("learners") == 0
        assert world.count("tip_views") == 0


async def test_cancel_keeps_everything(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        warning = await world.send("forget-me")

        kept = await world.click(warning, "Cancel")

        assert kept.callback_type == UPDATE_MESSAGE
        assert "I kept everything" in kept.text
        assert world.count("learners") == 1


async def test_invalid_option_text_gets_the_cores_friendly_error(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        reply = await world.send("settings time", {"time": "25:99"})

        assert reply.ephemeral
        assert "is not a time of day" in reply.text
        assert world.count("learners") == 0, "input the core refused must store nothing"

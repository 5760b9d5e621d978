"""The ``/aipm`` slash-command group: one subcommand per core command, each rebuilt as the core's text.

Discord validates option types and choices before we see them; the core still parses the rebuilt text,
so the rules (what a time or a track name looks like) live in one place and errors read the same
everywhere. Admin-only commands are not hidden with ``default_permissions``: Discord ignores it on
subcommands, so the core checks ``Context.is_admin`` on every call instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from adapters.discord.bridge import CoreBridge
from bot.commands import COMMAND_TABLE
from bot.content import PATH_TRACK_ID, Curriculum
from bot.timezones import search_zones

CHOICES_MAX = 25  # Discord's limit for choices and autocomplete results
LETTERS = ("A", "B", "C", "D", "E")

Choice = app_commands.Choice


def summary(name: str) -> str:
    """The command table's one-liner, within Discord's 100-character description limit."""
    for spec in COMMAND_TABLE:
        if spec.name == name:
            return spec.summary[:100]
    raise KeyError(name)


def track_choices(content: Curriculum) -> list[Choice[str]]:
    """The guided path first (when the course has one), then every track, as Discord can list at most 25."""
    choices: list[Choice[str]] = []
    if content.path is not None:
        choices.append(Choice(name=f"{PATH_TRACK_ID}: {content.track_title(PATH_TRACK_ID)}"[:100], value=PATH_TRACK_ID))
    choices.extend(Choice(name=f"{track.id}: {track.title}"[:100], value=track.id) for track in content.tracks)
    return choices[:CHOICES_MAX]


def command_text(*words: object) -> str:
    """The text the core parses: present words in order, absent options left out.

    Options are read as text whatever type they arrive as, so a malformed option becomes a word the core can
    answer with a hint rather than an exception.
    """
    spoken = (str(word).strip() for word in words if word is not None)
    return " ".join(word for word in spoken if word)


async def autocomplete_zone(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    return [Choice(name=zone, value=zone) for zone in search_zones(current, CHOICES_MAX)]


def build_aipm_group(bridge: CoreBridge, content: Curriculum) -> app_commands.Group:
    """A fresh group per client: the track choices come from the loaded curriculum."""
    aipm = app_commands.Group(name="aipm", description="Your AI product management study companion.")
    settings = app_commands.Group(name="settings", description=summary("settings"), parent=aipm)
    tracks = track_choices(content)
    for name in NO_OPTION_COMMANDS:
        aipm.add_command(_no_option_command(bridge, name))

    @aipm.command(name="answer", description=summary("answer"))
    @app_commands.describe(letter="The option you choose")
    @app_commands.choices(letter=[Choice(name=letter, value=letter) for letter in LETTERS])
    async def answer(interaction: discord.Interaction, letter: Choice[str]) -> None:
        await bridge.run_text(interaction, command_text("answer", letter.value))

    @aipm.command(name="leaderboard", description=summary("leaderboard"))
    @app_commands.describe(scope="This week (default) or all time")
    @app_commands.choices(scope=[Choice(name="this week", value="week"), Choice(name="all time", value="all")])
    async def leaderboard(interaction: discord.Interaction, scope: Choice[str] | None = None) -> None:
        await bridge.run_text(interaction, command_text("leaderboard", scope.value if scope else "week"))

    @aipm.command(name="track", description=summary("track"))
    @app_commands.describe(name="The track to follow")
    @app_commands.choices(name=tracks)
    async def track(interaction: discord.Interaction, name: Choice[str]) -> None:
        await bridge.run_text(interaction, command_text("track", name.value))

    @settings.command(name="show", description=summary("settings"))
    async def settings_show(interaction: discord.Interaction) -> None:
        await bridge.run_text(interaction, "settings")

    @settings.command(name="tz", description=summary("settings tz"))
    @app_commands.describe(zone="An IANA time zone such as Europe/Berlin; start typing a city")
    @app_commands.autocomplete(zone=autocomplete_zone)
    async def settings_tz(interaction: discord.Interaction, zone: str) -> None:
        await bridge.run_text(interaction, command_text("settings tz", zone))

    @settings.command(name="time", description=summary("settings time"))
    @app_commands.describe(time="24-hour HH:MM, for example 08:30")
    async def settings_time(interaction: discord.Interaction, time: str) -> None:
        await bridge.run_text(interaction, command_text("settings time", time))

    @settings.command(name="nudges", description=summary("settings nudges"))
    @app_commands.describe(state="Evening reminders on or off")
    @app_commands.choices(state=[Choice(name="on", value="on"), Choice(name="off", value="off")])
    async def settings_nudges(interaction: discord.Interaction, state: Choice[str]) -> None:
        await bridge.run_text(interaction, command_text("settings nudges", state.value))

    @settings.command(name="server-tz", description="Admins: the default time zone for this server.")
    @app_commands.describe(zone="An IANA time zone such as America/New_York; start typing a city")
    @app_commands.autocomplete(zone=autocomplete_zone)
    async def settings_server_tz(interaction: discord.Interaction, zone: str) -> None:
        await bridge.run_text(interaction, command_text("settings workspace-tz", zone))

    @aipm.command(name="subscribe", description="Daily tip and quiz in this channel (admins), or in your DMs.")
    @app_commands.describe(
        time="24-hour HH:MM (default 09:00 here, or your daily time in DMs)",
        tz="IANA time zone (default: the server's, or yours in DMs)",
        track="Which track to post from",
        days="weekdays, daily, or a list like mon,wed,fri",
    )
    @app_commands.autocomplete(tz=autocomplete_zone)
    @app_commands.choices(track=tracks)
    async def subscribe(
        interaction: discord.Interaction, time: str | None = None, tz: str | None = None, track: Choice[str] | None = None, days: str | None = None
    ) -> None:
        await bridge.run_text(interaction, command_text("subscribe", time, tz, track.value if track else None, days))

    return aipm


NO_OPTION_COMMANDS = ("help", "tip", "quiz", "streak", "stats", "review", "tracks", "unsubscribe", "forget-me")


def _no_option_command(bridge: CoreBridge, name: str) -> app_commands.Command[Any, Any, None]:
    """``/aipm <name>`` with no options: the subcommand's name is the core command's text."""

    async def run(interaction: discord.Interaction) -> None:
        await bridge.run_text(interaction, name)

    return app_commands.Command(name=name, description=summary(name), callback=run)


def subcommand_names(group: app_commands.Group) -> Sequence[str]:
    """Every invocable path, e.g. ``quiz`` or ``settings tz``: for docs and tests."""
    names: list[str] = []
    for command in group.walk_commands():
        if isinstance(command, app_commands.Command):
            names.append(command.qualified_name.removeprefix(f"{group.name} "))
    return names

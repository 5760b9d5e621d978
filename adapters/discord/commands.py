"""The ``/aipm`` slash-command group, generated from the core's command table.

Every table row becomes a subcommand (``settings tz`` becomes ``tz`` in a ``settings`` group) with one
Discord option per table option: choices as choices, files as attachments, and tracks (the course's and the
server's own, so they differ per server), zones and the open quiz's letters autocompleted. A
call is rebuilt as the text a user would type and the core parses it, so the rules (what a time or a track
name looks like) live in one place and errors read the same everywhere. Admin-only commands are not hidden
with ``default_permissions``: Discord ignores it on subcommands, so the core checks ``Context.is_admin``.

Only Discord's own words live here: a group cannot be invoked, so bare ``settings`` is ``settings show``,
and a Discord workspace is a server.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from adapters.discord.bridge import CoreBridge
from bot.commands import COMMAND_TABLE, CommandSpec, Option
from bot.commands.syntax import discord_path
from bot.timezones import search_zones

CHOICES_MAX = 25  # Discord's limit for choices and autocomplete results
DESCRIPTION_MAX = 100
GROUP_DESCRIPTION = "Your AI product management study companion."

Choice = app_commands.Choice

# Discord's words for table commands, where they differ: (description, option descriptions). Where each
# lives under /aipm is ``bot.commands.syntax.discord_path``, which help reads too.
DISCORD_WORDING: dict[str, tuple[str | None, dict[str, str]]] = {
    "track": ("Follow a course track, or the guided path (AI PM in 30 days).", {}),
    "settings workspace-tz": (
        "Admins: the default time zone for this server.", {"zone": "An IANA time zone such as America/New_York; start typing a city"},
    ),
    "subscribe": (None, {"tz": "IANA time zone (default: the server's, or yours in DMs)"}),
}


# A group cannot be run, so its description says what is inside rather than what the bare word does.
GROUP_WORDING = {
    "settings": "Your time zone, daily time and evening nudges; admins set the server's time zone.",
    "admin": "For server admins: looking after the bot and the course here.",
}


def plain(text: str) -> str:
    """A description as Discord shows it: as plain text, so no Markdown backticks; within 100 characters."""
    return text.replace("`", "")[:DESCRIPTION_MAX]


def summary(name: str) -> str:
    """The command table's one-liner, as a Discord description."""
    return plain(COMMAND_TABLE.named(name).summary)


def track_choices(options: list[tuple[str, str]], current: str = "") -> list[Choice[str]]:
    """The tracks the asker's server can follow (the guided path first), those matching what is typed, at most 25."""
    typed = current.strip().lower()
    return [
        Choice(name=f"{track_id}: {title}"[:100], value=track_id) for track_id, title in options
        if not typed or typed in track_id or typed in title.lower()
    ][:CHOICES_MAX]


def command_text(*words: object) -> str:
    """The text the core parses: present words in order, absent options left out.

    Options are read as text whatever type they arrive as, so a malformed option becomes a word the core can
    answer with a hint rather than an exception.
    """
    spoken = (str(word).strip() for word in words if word is not None)
    return " ".join(word for word in spoken if word)


async def autocomplete_zone(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    return [Choice(name=zone, value=zone) for zone in search_zones(current, CHOICES_MAX)]


def letter_choices(options: list[tuple[str, str]], current: str) -> list[Choice[str]]:
    """The open quiz's letters, each with its option's text; a letter typed picks it, longer text searches."""
    typed = current.strip().rstrip(").").lower()
    return [
        Choice(name=f"{letter}) {text}"[:DESCRIPTION_MAX], value=letter) for letter, text in options
        if not typed or (letter.lower() == typed if len(typed) == 1 else typed in text.lower())
    ][:CHOICES_MAX]


def build_aipm_group(bridge: CoreBridge) -> app_commands.Group:
    """A fresh group per client.

    Groups come first, then commands without options, then those with options, each in table order.
    """
    aipm = app_commands.Group(name="aipm", description=GROUP_DESCRIPTION)
    groups: dict[str, app_commands.Group] = {}
    specs = list(COMMAND_TABLE)
    for spec in specs:
        words = discord_path(spec).split()
        if len(words) == 2 and words[0] not in groups:
            groups[words[0]] = app_commands.Group(name=words[0], description=plain(GROUP_WORDING.get(words[0]) or summary(words[0])), parent=aipm)
    for spec in specs:
        words = discord_path(spec).split()
        if len(words) == 2:
            groups[words[0]].add_command(_subcommand(bridge, spec))
    for with_options in (False, True):
        for spec in specs:
            if len(discord_path(spec).split()) == 1 and bool(spec.options) == with_options:
                aipm.add_command(_subcommand(bridge, spec))
    return aipm


def _subcommand(bridge: CoreBridge, spec: CommandSpec) -> app_commands.Command[Any, Any, None]:
    """One subcommand whose callback takes the table's options and sends ``spec.name`` plus their values."""
    path = discord_path(spec)
    description, option_wording = DISCORD_WORDING.get(spec.name, (None, {}))

    async def run(interaction: discord.Interaction, **values: Any) -> None:
        words = [_word(values.get(option.name), option) for option in spec.options]
        files = [values.get(o.name) for o in spec.options if o.kind == "file"]
        if files and isinstance(files[0], discord.Attachment):
            await bridge.run_upload(interaction, command_text(spec.name, *words), files[0])
            return
        await bridge.run_text(interaction, command_text(spec.name, *words))

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)]
    for option in spec.options:
        annotation: Any = {"choice": Choice[str], "file": discord.Attachment}.get(option.kind, str)
        parameters.append(inspect.Parameter(
            option.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=annotation if option.required else annotation | None, default=inspect.Parameter.empty if option.required else None,
        ))
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback: Any = run
    if spec.options:
        callback = app_commands.describe(**{o.name: plain(option_wording.get(o.name, o.description)) for o in spec.options})(callback)
    choices = {o.name: _choices(o) for o in spec.options if o.kind == "choice"}
    if choices:
        callback = app_commands.choices(**choices)(callback)
    async def autocomplete_letter(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return letter_choices(await bridge.answer_options(interaction), current)

    async def autocomplete_track(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return track_choices(await bridge.track_options(interaction), current)

    completions: dict[str, Any] = {o.name: autocomplete_zone for o in spec.options if o.kind == "zone"}
    completions.update({o.name: autocomplete_letter for o in spec.options if o.kind == "letter"})
    completions.update({o.name: autocomplete_track for o in spec.options if o.kind == "track"})
    if completions:
        callback = app_commands.autocomplete(**completions)(callback)
    return app_commands.Command(name=path.split()[-1], description=plain(description or spec.summary), callback=callback)


def _choices(option: Option) -> list[Choice[str]]:
    return [Choice(name=shown, value=value) for shown, value in option.choices]


def _word(value: object, option: Option) -> object:
    """What an option contributes to the command text: a choice's value, the text typed, or the default."""
    if value is None:
        return option.default
    if isinstance(value, discord.Attachment):
        return value.filename
    return value.value if isinstance(value, Choice) else value


def subcommand_names(group: app_commands.Group) -> Sequence[str]:
    """Every invocable path, e.g. ``quiz`` or ``settings tz``: for docs and tests."""
    names: list[str] = []
    for command in group.walk_commands():
        if isinstance(command, app_commands.Command):
            names.append(command.qualified_name.removeprefix(f"{group.name} "))
    return names

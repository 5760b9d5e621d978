"""How a reply writes a command: one rule (``bot.commands.syntax.Syntax``) for every platform, matching what
each platform takes: the console's words, Slack's ``/aipm`` and Discord's generated tree with its options."""

from __future__ import annotations

import pytest
from discord import app_commands

from adapters.discord.bridge import CoreBridge
from adapters.discord.commands import build_aipm_group, command_text
from bot import commands as cmd
from bot.commands.syntax import Syntax, discord_path

CONSOLE, SLACK, DISCORD = Syntax("console"), Syntax("slack"), Syntax("discord")


def test_admin_resolve_as_each_platform_takes_it() -> None:
    assert CONSOLE.usage("admin resolve") == "`admin resolve <id> <note>`"
    assert SLACK.usage("admin resolve") == "`/aipm admin resolve <id> <note>`"
    assert DISCORD.usage("admin resolve") == "`/aipm admin resolve <id> <note>`"
    assert CONSOLE("admin resolve", id="12", note="fixed it") == "`admin resolve 12 fixed it`"
    assert SLACK("admin resolve", id="12", note="fixed it") == "`/aipm admin resolve 12 fixed it`"
    assert DISCORD("admin resolve", id="12", note="fixed it") == "`/aipm admin resolve id:12 note:fixed it`"


def test_discord_paths_groups_choices_and_files() -> None:
    assert DISCORD("settings") == "`/aipm settings show`"
    assert DISCORD("config") == "`/aipm settings show`"  # an alias, as a typo hint may name it
    assert CONSOLE("config") == "`config`"
    assert DISCORD.usage("admin content remove") == "`/aipm admin content-remove <track>`"
    assert DISCORD("leaderboard", scope="all") == "`/aipm leaderboard scope:all time`"  # a choice as Discord shows it
    assert CONSOLE("leaderboard", scope="all") == "`leaderboard all`"
    assert SLACK.usage("admin import") == "`/aipm admin import`"  # the file follows in a DM
    assert CONSOLE.usage("report", "reason", "text", question="beta-q-01") == "`report <reason> beta-q-01 <what you noticed>`"
    assert DISCORD.usage("report", "reason", "text", question="beta-q-01") == "`/aipm report <reason> question:beta-q-01 <text>`"


def test_a_typo_in_a_sentence_fails_loudly() -> None:
    with pytest.raises(KeyError):
        CONSOLE("admin resolve", reason="x")
    with pytest.raises(KeyError):
        CONSOLE("admin nothing")


def test_every_command_as_written_for_discord_is_in_the_generated_tree() -> None:
    """Help, errors and hints write Discord's commands from the table; the tree is built from it too."""
    tree = {c.qualified_name.removeprefix("aipm "): c for c in build_aipm_group(CoreBridge(None)).walk_commands()}  # type: ignore[arg-type]
    for spec in cmd.COMMAND_TABLE:
        command = tree[discord_path(spec)]
        assert isinstance(command, app_commands.Command)
        written = DISCORD.usage(spec.name).strip("`").split()
        assert written[:1 + len(discord_path(spec).split())] == ["/aipm", *discord_path(spec).split()]
        named = [w.strip("<>[]") for w in written[1 + len(discord_path(spec).split()):]]
        assert named == [p.name for p in command.parameters], spec.name


@pytest.mark.parametrize(("name", "values"), [
    ("admin resolve", {"id": "12", "note": "fixed the typo"}),
    ("report", {"reason": "unclear", "text": "options B and C say the same"}),
    ("subscribe", {"time": "09:00", "tz": "Europe/Paris"}),
    ("settings tz", {"zone": "Europe/Berlin"}),
    ("admin content remove", {"track": "acme-policy"}),
])
def test_an_example_is_the_command_discord_would_send(name: str, values: dict[str, str]) -> None:
    """The console's example is the text Discord's adapter sends for the same options, and it parses."""
    typed = CONSOLE(name, **values).strip("`")
    spec = cmd.COMMAND_TABLE.named(name)
    assert typed == command_text(spec.name, *(values.get(o.name) for o in spec.options))
    assert isinstance(cmd.parse_command(typed), spec.command)

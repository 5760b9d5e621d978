"""How a reply writes a command: one rule (``bot.commands.syntax.Syntax``) for every platform, matching what
each platform takes: the console's words, Slack's ``/aipm`` and Discord's generated tree with its options."""

from __future__ import annotations

import re

import pytest
from discord import app_commands

from adapters.discord.bridge import CoreBridge
from adapters.discord.commands import build_aipm_group, command_text
from bot import commands as cmd
from bot.commands.syntax import Syntax, discord_path
from bot.service import CompanionService, Context
from tests.golden.test_golden import SCRIPT

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


LINES = [
    *(line for line in SCRIPT if not line.startswith(("@", "as ", "click ")) and line != "home"),
    "report", "report bogus", "admin reports", "admin resolve", "admin resolve abc done", "admin resolve 7", "admin resolve 99 done",
    "admin content", "admin content remove", "admin content remove alpha", "admin import", "admin report", "admin report on",
    "admin report off", "admin bogus", "team", "track", "settings tz", "settings tz EST", "settings tz IST", "settings tz UTC+2",
    "settings tz GMT+5:30", "settings time", "settings nudges", "settings retention", "settings workspace-tz", "leaderboard zz",
    "subscribe 9:00 10:00", "subscribe a b", "subscribe what?", "answer", "answer Q", "export", "forget-me now", "yes", "no", "x" * 600,
]


@pytest.mark.parametrize("admin", [False, True])
def test_no_reply_on_discord_names_a_command_the_console_way(service: CompanionService, admin: bool) -> None:
    """A guard over many replies: every backticked command starts with ``/aipm`` (or echoes the word typed)."""
    ctx = Context("G1", "discord", "U1", "Ada", channel_id="C1", is_admin=admin)
    words = {w for s in cmd.COMMAND_TABLE for w in (s.words[0], *s.aliases, *s.quiet_aliases)}
    for line in LINES:
        reply = service.handle_text(ctx, line)
        for text in (reply.text, *(s.text for s in reply.sections)):
            for span in re.findall(r"`([^`\n]+)`", text):
                if span.split()[0] in words and span not in line.split():
                    pytest.fail(f"{line!r} got {span!r} in: {text}")


def test_files_buttons_and_scheduled_posts_name_discords_commands(service: CompanionService) -> None:
    """The replies the typed-command guard cannot reach: an upload, a click, and what delivery posts."""
    from bot.context import Upload
    from bot.messages import ACTION_ANSWER, ACTION_REPORT_REASON
    from bot.posts import admin_notice, nudge_post
    from bot.streaks import StreakState

    ctx = Context("G1", "discord", "U1", "Ada", channel_id="C1")
    assert "Send `/aipm admin import <file>` with a YAML track file" in service.handle_upload(ctx, "quiz", Upload("t.yaml", b"")).text
    assert "Send `/aipm quiz` for a fresh question" in service.handle_action(ctx, ACTION_ANSWER, "nonsense").text
    assert "Send `/aipm report` to report the question" in service.handle_action(ctx, ACTION_REPORT_REASON, "nonsense").text
    assert "Send `/aipm help` to see what I can do" in service.handle_action(ctx, "no-such-button", "").text
    assert "Send `/aipm settings nudges state:off`" in nudge_post(StreakState(3, 3, 0, False, None), DISCORD).text
    assert "then send `/aipm subscribe` there" in admin_notice("C1", "channel", "missing_access", DISCORD).text

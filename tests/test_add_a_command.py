"""Adding a command is one table entry and one use case: help, the parser, the admin rule, Slack's profile
look-up and Discord's command tree all pick it up with no other edit."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from discord import Client, Intents, app_commands

from adapters.discord.bridge import CoreBridge
from adapters.discord.commands import build_aipm_group, subcommand_names
from adapters.slack.contexts import needs_admin
from bot import commands as cmd
from bot.content import Curriculum
from bot.deps import Asker, Deps
from bot.dispatch import forget_handler, handles
from bot.messages import Reply
from bot.render.common import info_reply
from bot.service import Context
from tests.conftest import Chat


@dataclass(frozen=True)
class Flashcards:
    count: int = 3


def read_count(said: str, args: list[str]) -> Flashcards:
    if not args:
        return Flashcards()
    if len(args) == 1 and args[0].isdigit():
        return Flashcards(int(args[0]))
    raise cmd.CommandError("Say how many, for example `flashcards 5`.")


FLASHCARDS = cmd.CommandSpec(
    "flashcards", "flashcards [count]", "A few quick cards to flip through.", Flashcards, aliases=("cards",), parse=read_count,
    options=(cmd.Option("count", "How many cards", required=False),),
)
@dataclass(frozen=True)
class PurgeCache:
    pass


PURGE = cmd.CommandSpec(
    "settings purge", "settings purge", "Admins: clear this workspace's cache.", PurgeCache, admin="admins",
    refusal="Only admins can purge. Ask one.",
)


@pytest.fixture
def flashcards() -> Iterator[cmd.CommandSpec]:
    """The table entry and its use case, for this test only."""

    @handles(Flashcards)
    def flip(deps: Deps, asker: Asker, command: Flashcards) -> Reply:
        return info_reply("info", f"Here are {command.count} cards for {asker.learner.display_name}.")

    cmd.COMMAND_TABLE.add(FLASHCARDS)
    try:
        yield FLASHCARDS
    finally:
        cmd.COMMAND_TABLE.remove(FLASHCARDS.name)
        forget_handler(Flashcards)


def discord_paths(curriculum: Curriculum) -> tuple[list[str], dict[str, object]]:
    async def build() -> tuple[list[str], dict[str, object]]:
        group = build_aipm_group(CoreBridge(None))  # type: ignore[arg-type]
        tree = app_commands.CommandTree(Client(intents=Intents.none()))
        return list(subcommand_names(group)), group.to_dict(tree)

    return asyncio.run(build())


@pytest.mark.usefixtures("flashcards")
def test_a_new_command_is_listed_parsed_suggested_and_answered(chat: Chat) -> None:
    assert "`flashcards [count]` — A few quick cards to flip through." in chat.send("help").text
    assert cmd.parse_command("flashcards 5") == Flashcards(5)
    assert cmd.parse_command("cards") == Flashcards(3)
    with pytest.raises(cmd.CommandError, match="Did you mean `flashcards`"):
        cmd.parse_command("flashcrads")
    assert chat.send("flashcards 2").text == "Here are 2 cards for Ada."
    assert "for example `flashcards 5`" in chat.send("flashcards lots").text


@pytest.mark.usefixtures("flashcards")
def test_a_new_command_appears_in_discords_tree_with_its_options(curriculum: Curriculum) -> None:
    paths, tree = discord_paths(curriculum)
    assert "flashcards" in paths
    [entry] = [o for o in tree["options"] if o["name"] == "flashcards"]  # type: ignore[attr-defined]
    assert entry["description"] == "A few quick cards to flip through."
    assert [(o["name"], o["description"], o["required"]) for o in entry["options"]] == [("count", "How many cards", False)]


def test_without_the_entry_nothing_knows_the_command(curriculum: Curriculum, chat: Chat) -> None:
    """The control: the same checks fail before the entry is added, so the tests above prove something."""
    assert "flashcards" not in chat.send("help").text
    with pytest.raises(cmd.CommandError):
        cmd.parse_command("flashcards")
    assert "flashcards" not in discord_paths(curriculum)[0]


def test_a_new_admin_subcommand_is_refused_to_members_and_looked_up_on_slack(chat: Chat, curriculum: Curriculum) -> None:
    @handles(PurgeCache)
    def purge(deps: Deps, asker: Asker, command: PurgeCache) -> Reply:
        deps.workspaces.clear()
        return info_reply("settings", "Purged.")

    cmd.COMMAND_TABLE.add(PURGE)
    try:
        assert needs_admin("settings purge", in_dm=True)  # Slack asks users.info for it without being told
        assert not needs_admin("settings", in_dm=False)
        assert chat.send("settings purge").text == "Only admins can purge. Ask one."
        admin = Chat(chat.service, Context(workspace_id="T1", platform="console", user_id="U9", is_admin=True))
        assert admin.send("settings purge").text.startswith("Purged.")  # a first-time asker also gets the time-zone hint
        assert "settings purge" in discord_paths(curriculum)[0]  # a subcommand in Discord's settings group
    finally:
        cmd.COMMAND_TABLE.remove(PURGE.name)
        forget_handler(PurgeCache)

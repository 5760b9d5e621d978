"""Recorded conversations: the exact words, blocks and embeds people see, compared byte for byte.

One fixed script runs through the core's entry points, the console adapter, Slack's Block Kit renderer,
Discord's embed renderer and a delivery sweep, with a fixed clock and numbered quiz ids. The outputs live in
``tests/golden/*.txt``; a refactor that changes a word, a button or a colour shows up as a diff here. After
an intended change of wording, regenerate with ``AIPM_GOLDEN_UPDATE=1 pytest tests/golden`` and read the diff.

Pictures are recorded by their alt text and file name, not their bytes (matplotlib's output is not ours).
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from adapters.console import ConsoleAdapter
from adapters.discord.embeds import render_reply
from adapters.slack.blocks import home_view, message_payload
from bot.clock import FixedClock
from bot.content import Curriculum
from bot.delivery import Delivery
from bot.delivery_config import DeliveryConfig
from bot.messages import Reply
from bot.service import CompanionService, Context
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from bot.store.drivers.sqlite import SqliteRepository
from tests.conftest import START
from tests.delivery.fakes import FakeMessenger, VirtualTime

GOLDEN = Path(__file__).parent
UPDATE = os.environ.get("AIPM_GOLDEN_UPDATE") == "1"

# One learner's week with the bot: every command, its errors, buttons and the privacy flow. ``@day`` moves
# the clock one day on; ``click <label>`` presses a button on the last reply; ``home`` renders the home
# surface; ``as <user> [admin]`` switches who is talking (and in which channel, ``in <channel>``).
SCRIPT = """
help
hi
thanks
tip
tip
quiz
answer Z
answer B
quiz
click A
click Next quiz
click B
streak
@day
quiz
answer A
streak
stats
review
@day
review
leaderboard
leaderboard all
top month
tracks
track data
track zzz
track path
settings
settings tz Europe/Berlin
settings tz Nowhere/City
settings time 08:30
settings time 25:00
settings nudges off
settings nudges on
settings colour blue
settings workspace-tz America/New_York
subscribe
subscribe 07:15 weekdays
unsubscribe
unsubscribe
home
as U2 in C9
subscribe 09:00
as U9 admin in C9
settings workspace-tz America/New_York
subscribe 09:00 Europe/Paris mon,wed
unsubscribe
as U1
quizz
tip extra
yes
forget-me
no
forget-me
click Cancel
forget-me
yes
forget-me confirm
home
""".strip().splitlines()


@dataclass
class Recorder:
    """Runs SCRIPT against one surface; ``render`` turns each reply into the text recorded for it."""

    service: CompanionService
    clock: FixedClock
    platform: str
    render: Callable[[Reply], str]
    out: list[str] = field(default_factory=list)

    def run(self) -> str:
        ctx = Context(workspace_id="T1", platform=self.platform, user_id="U1", display_name="Ada", channel_id="D1", is_dm=True)
        last: Reply | None = None
        for line in SCRIPT:
            if line == "@day":
                self.clock.advance(timedelta(days=1))
                self.out.append(f"## {self.clock.now():%a %d %b %H:%M}\n")
                continue
            if line.startswith("as "):
                words = line.split()
                channel = words[words.index("in") + 1] if "in" in words else "D1"
                ctx = Context(
                    workspace_id="T1", platform=self.platform, user_id=words[1], display_name=words[1].title(),
                    channel_id=channel, is_dm=channel.startswith("D"), is_admin="admin" in words,
                )
                self.out.append(f"## as {words[1]} in {channel}{' (admin)' if ctx.is_admin else ''}\n")
                continue
            if line == "home":
                last = self.service.home(ctx)
            elif line.startswith("click "):
                assert last is not None
                label = line.removeprefix("click ")
                button = next(b for b in last.buttons if b.label == label)
                last = self.service.handle_action(ctx, button.action_id, button.value)
            else:
                last = self.service.handle_text(ctx, line)
            self.out.append(f"> {line}\n{self.render(last)}\n")
        return "\n".join(self.out)


@pytest.fixture
def numbered_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Quiz instance ids travel in button values; number them so the recording is stable."""
    counter = itertools.count(1)
    numbered = SimpleNamespace(token_hex=lambda n=16: f"{next(counter):0{2 * (n or 16)}x}")
    # Only the bot's own ids: libraries (sqlite-utils names its savepoints with token_hex) must not shift them.
    for module in ("bot.learning.quizzes", "bot.delivery_plan", "bot.delivery"):
        monkeypatch.setattr(f"{module}.secrets", numbered)


@pytest.fixture
def fresh(tmp_path: Path, curriculum: Curriculum, numbered_ids: None) -> Iterator[Callable[[], tuple[CompanionService, FixedClock]]]:
    repos: list[SqliteRepository] = []

    def make() -> tuple[CompanionService, FixedClock]:
        repo = SqliteRepository(tmp_path / f"golden-{len(repos)}.db")
        repos.append(repo)
        clock = FixedClock(START)
        return CompanionService(repo, curriculum, clock), clock

    yield make
    for repo in repos:
        repo.close()


def neutral(reply: Reply) -> str:
    """Every field of a Reply a person can perceive, in the core's own markup."""
    lines = [f"[{reply.kind}{' private' if reply.private else ' public'}{' replace' if reply.replace_original else ''}]"]
    for section in reply.sections:
        if section.title:
            lines.append(f"# {section.title}")
        lines.append(section.text)
        for button in section.buttons:
            lines.append(f"  [{button.label}] {button.action_id}={button.value} ({button.style})")
    if reply.image is not None:
        lines.append(f"(image {reply.image.filename}: {reply.image.alt})")
    lines.append(f"-- fallback --\n{reply.text}")
    return "\n".join(lines)


def slack(reply: Reply) -> str:
    payload = home_view(reply) if reply.kind == "home" else message_payload(reply)
    return json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True)


def discord_message(reply: Reply) -> str:
    async def render() -> dict[str, Any]:
        rendered = render_reply(reply)
        data: dict[str, Any] = {"embed": rendered.embed.to_dict()}
        if rendered.view is not None:
            data["components"] = rendered.view.to_components()
        data["files"] = [(f.filename, f.description) for f in rendered.files]
        data["ephemeral"] = reply.private
        data["replace_original"] = reply.replace_original
        return data

    return json.dumps(asyncio.run(render()), ensure_ascii=False, indent=1, sort_keys=True)


def compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{name} did not exist; recorded it. Read it, commit it, and run again.")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} changed; if that was intended, regenerate with AIPM_GOLDEN_UPDATE=1 and review the diff"


def test_the_core_conversation_is_unchanged(fresh: Callable[[], tuple[CompanionService, FixedClock]]) -> None:
    service, clock = fresh()
    compare("core.txt", Recorder(service, clock, "console", neutral).run())


def test_the_slack_conversation_is_unchanged(fresh: Callable[[], tuple[CompanionService, FixedClock]]) -> None:
    service, clock = fresh()
    compare("slack.txt", Recorder(service, clock, "slack", slack).run())


def test_the_discord_conversation_is_unchanged(fresh: Callable[[], tuple[CompanionService, FixedClock]]) -> None:
    service, clock = fresh()
    compare("discord.txt", Recorder(service, clock, "discord", discord_message).run())


def test_the_console_conversation_is_unchanged(fresh: Callable[[], tuple[CompanionService, FixedClock]], tmp_path: Path) -> None:
    service, _clock = fresh()
    console = ConsoleAdapter(service, user="ada", tz="Europe/Paris", image_dir=tmp_path / "images")
    out = io.StringIO()
    lines = [line for line in SCRIPT if not line.startswith(("as ", "@", "click ")) and line != "home"]
    console.run_script(["quiz", "B", "1", "A", *lines, "1"], out)
    compare("console.txt", out.getvalue().replace(str(tmp_path), "<tmp>"))


def test_the_scheduled_posts_are_unchanged(fresh: Callable[[], tuple[CompanionService, FixedClock]]) -> None:
    """A channel's daily posts and weekly recap, and a DM learner's daily quiz and evening nudge."""
    service, clock = fresh()
    virtual = VirtualTime()
    messenger = FakeMessenger(clock, time=virtual)
    store = SqlDeliveryStore(service.repo.db)

    async def inline(work: Callable[[], Any]) -> Any:
        return work()

    delivery = Delivery(service, store, {messenger.platform: messenger}, DeliveryConfig(limits={}, recap_chart=False),
                        monotonic=virtual.monotonic, sleep=virtual.sleep, offload=inline)
    admin = Context("T1", messenger.platform, "U-admin", "Admin", channel_id="C1", is_admin=True)
    ada = Context("T1", messenger.platform, "U-ada", "Ada", is_dm=True)
    bob = Context("T1", messenger.platform, "U-bob", "Bob", channel_id="C1")
    out = [neutral(service.handle_text(admin, "subscribe 09:00 Europe/Berlin weekdays"))]
    out.append(neutral(service.handle_text(ada, "settings tz Asia/Kolkata")))
    out.append(neutral(service.handle_text(ada, "subscribe 07:00")))
    monday = clock.now().replace(hour=0, minute=0)
    seen = 0
    for day in range(8):
        for hours in (1.5, 8, 13.5, 14):  # 07:00 Kolkata, 09:00 Berlin, 19:00 Kolkata (nudge time), a little later
            clock.set(monday + timedelta(days=day, hours=hours))
            virtual.run(delivery.sweep())
            for post in messenger.posts[seen:]:
                out.append(f"## {clock.now():%a %d %b %H:%M} {post.key} -> {post.destination.kind}:{post.destination.channel_id}\n{neutral(post.reply)}")
                who = ada if post.destination.kind == "dm" else bob
                if post.reply.quiz_instance_id and day < 4:
                    answer = next(b for b in post.reply.buttons if b.label == "B")
                    out.append(f"> click B as {who.user_id}\n{neutral(service.handle_action(who, answer.action_id, answer.value))}")
            seen = len(messenger.posts)
    compare("delivery.txt", "\n\n".join(out) + "\n")


def test_the_discord_command_tree_is_unchanged(curriculum: Curriculum) -> None:
    """What Discord shows in its command picker: every subcommand, option, choice and description."""
    from discord import Client, Intents, app_commands

    from adapters.discord.bridge import CoreBridge
    from adapters.discord.commands import build_aipm_group

    async def tree_json() -> str:
        client = Client(intents=Intents.none())
        tree = app_commands.CommandTree(client)
        group = build_aipm_group(CoreBridge(None))  # type: ignore[arg-type]
        return json.dumps(group.to_dict(tree), ensure_ascii=False, indent=1, sort_keys=True)

    compare("discord_tree.json", asyncio.run(tree_json()) + "\n")

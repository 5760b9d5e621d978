"""A conversation with the real discord.py client, connected to the fake Discord, over a real core.

``async with discord_world(tmp_path) as world`` starts the fake, builds the core on a temp SQLite file and
runs ``DiscordRunner`` exactly as ``aipm serve`` does (its own thread and loop), then tests talk to it:
``await world.send("quiz")`` and ``await world.click(reply, "A")``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from discord.http import Route
from fake_discord import DEFERRED_CHANNEL_MESSAGE, TOKEN, FakeDiscord, Hit, JsonDict
from pydantic import SecretStr

from adapters.discord.runner import DiscordRunner
from app.settings import Settings
from app.wiring import Core
from bot.clock import FixedClock
from bot.content import CoursePolicy, Curriculum, load_curriculum
from bot.service import CompanionService
from bot.store import Store
from bot.store.drivers import open_store
from bot.store.drivers.sql.repository import SqlRepository
from tests.databases import fresh_database_url

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "content"
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday morning
# More patient than production (1.5 s) so a loaded test machine does not turn direct answers into defers;
# the defer path has its own tests with a gated core.
TEST_DEFER_AFTER = 5.0
LEARNER = 600000000000000001
READY_TIMEOUT = 15.0


def load_test_curriculum() -> Curriculum:
    return load_curriculum(FIXTURES, CoursePolicy.relaxed())


@dataclass
class World:
    fake: FakeDiscord
    db_path: Path | str
    content: Curriculum
    clock: FixedClock
    guild_id: int | None = None
    defer_after: float = TEST_DEFER_AFTER
    service_type: type[CompanionService] = CompanionService
    runner: DiscordRunner | None = None
    core: Core | None = None
    shards: tuple[int, tuple[int, ...]] | None = None
    """(DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS) for this process, or None for discord.py's default."""
    _stores: list[Store] = field(default_factory=list)

    # the bot -------------------------------------------------------------------------------------
    async def start_bot(self) -> DiscordRunner:
        """A fresh core (new repository on the same file) and a fresh client, as after a process restart."""
        store = open_store(str(self.db_path))
        self._stores.append(store)
        settings = Settings(
            discord_token=SecretStr(TOKEN), discord_api_url=self.fake.api_url, discord_guild_id=self.guild_id,
            discord_shard_count=self.shards[0] if self.shards else None, discord_shard_ids=self.shards[1] if self.shards else None,
        )
        self.core = Core(settings, store, store.repo, self.content, self.clock, self.service_type(store.repo, self.content, self.clock))
        self.runner = DiscordRunner(self.core, defer_after=self.defer_after, guild_ready_timeout=0.05)
        self.runner.start()
        ready = await asyncio.to_thread(self.runner.wait_ready, READY_TIMEOUT)
        assert ready, "the Discord client did not become ready against the fake"
        return self.runner

    async def stop_bot(self) -> None:
        if self.runner is not None:
            await asyncio.to_thread(self.runner.stop)
            assert self.runner.stopped.is_set(), "the client thread did not finish"
            self.runner = None

    async def restart(self) -> None:
        await self.stop_bot()
        await self.start_bot()

    @property
    def repo(self) -> SqlRepository:
        assert self.core is not None
        assert isinstance(self.core.repo, SqlRepository)
        return self.core.repo

    @property
    def service(self) -> CompanionService:
        assert self.core is not None
        return self.core.service

    # talking -------------------------------------------------------------------------------------
    async def send(self, path: str, options: JsonDict | None = None, **who: Any) -> Hit:
        """``/aipm <path>`` with ``options``; returns the response that carries the answer."""
        token = await self.fake.interact(self.fake.slash(path, options, **who))
        return await self.fake.response_to(token)

    async def click(self, on: Hit | JsonDict, button: str, **who: Any) -> Hit:
        """Click the button labelled (or with the custom_id) ``button`` on a message the bot sent."""
        message = on.message if isinstance(on, Hit) else on
        assert message is not None, "that response created no message to click on"
        custom_ids = [c["custom_id"] for row in message.get("components", []) for c in row["components"] if c.get("label") == button or c.get("custom_id") == button]
        assert custom_ids, f"no button {button!r} on the message"
        return await self.click_id(message, custom_ids[0], **who)

    def is_private(self, reply: Hit) -> bool:
        """Ephemeral whichever way it came: flag 64 on the callback, or an ephemeral defer then a follow-up.

        A slow core call (a chart on a busy machine) is deferred by design, so tests about *what* was said
        must not depend on how fast it was said.
        """
        if reply.kind == "callback":
            return reply.ephemeral
        deferral = self.fake.hits_for(str(reply.token))[0]
        return deferral.callback_type == DEFERRED_CHANNEL_MESSAGE and deferral.ephemeral and reply.ephemeral

    async def click_id(self, message: JsonDict, custom_id: str, **who: Any) -> Hit:
        token = await self.fake.interact(self.fake.click(message, custom_id, **who))
        return await self.fake.response_to(token)

    # the store -----------------------------------------------------------------------------------
    def count(self, table: str, where: str = "1 = 1", params: tuple[Any, ...] = ()) -> int:
        return int(self.repo.db.query(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", params)[0]["n"])

    def close(self) -> None:
        for store in self._stores:
            store.close()


@asynccontextmanager
async def discord_world(
    tmp_path: Path, *, guild_id: int | None = None, defer_after: float = TEST_DEFER_AFTER, service_type: type[CompanionService] = CompanionService
) -> AsyncIterator[World]:
    saved_base = Route.BASE
    fake = FakeDiscord()
    await fake.start()
    world = World(fake, fresh_database_url(tmp_path, "t.db"), load_test_curriculum(), FixedClock(START), guild_id, defer_after, service_type)
    try:
        await world.start_bot()
        yield world
    finally:
        await world.stop_bot()
        await fake.stop()
        world.close()
        Route.BASE = saved_base


def question_letters(world: World, quiz: Hit) -> tuple[str, str]:
    """The (right, wrong) letters for the question shown in ``quiz``, looked up in the curriculum by its prompt."""
    for question in world.content.questions.values():
        if question.prompt in quiz.text:
            wrong = next(letter for letter in question.letters if letter != question.answer)
            return question.answer, wrong
    raise AssertionError(f"no curriculum question appears in:\n{quiz.text}")

"""Shards split across processes: DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS, through the real client and gateway."""

from __future__ import annotations

from pathlib import Path

import pytest
from discord_world import START, World, load_test_curriculum
from fake_discord import FakeDiscord

from adapters.discord.settings import discord_env, parse_shard_ids
from bot.clock import FixedClock
from tests.databases import fresh_database_url


@pytest.mark.parametrize(("text", "count", "expected"), [("0-3", 8, (0, 1, 2, 3)), ("0,2,5-7", 8, (0, 2, 5, 6, 7)), ("4", 5, (4,))])
def test_shard_ids_read_as_people_write_them(text: str, count: int, expected: tuple[int, ...]) -> None:
    assert parse_shard_ids(text, count) == expected


@pytest.mark.parametrize(("text", "count", "says"), [
    ("0-3", None, "needs DISCORD_SHARD_COUNT"), ("4-8", 8, "does not exist"), ("3-1", 8, "backwards"), ("a", 2, "not a shard number"),
])
def test_bad_shard_ids_are_refused_with_the_reason(text: str, count: int | None, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_shard_ids(text, count)


def test_the_environment_names_the_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "2-3")
    env = discord_env()
    assert (env["discord_shard_count"], env["discord_shard_ids"]) == (4, (2, 3))


async def _identify_as(tmp_path: Path, shards: tuple[int, tuple[int, ...]]) -> tuple[list[list[int] | None], int]:
    fake = FakeDiscord()
    await fake.start()
    world = World(fake, fresh_database_url(tmp_path, "t.db"), load_test_curriculum(), FixedClock(START), shards=shards)
    try:
        await world.start_bot()
        return list(fake.identified_shards), sum(1 for hit in fake.hits if hit.kind == "sync")
    finally:
        await world.stop_bot()
        await fake.stop()
        world.close()


async def test_a_process_runs_only_its_shard_and_leaves_the_commands_to_shard_zero(tmp_path: Path) -> None:
    identified, synced = await _identify_as(tmp_path, (2, (1,)))
    assert identified == [[1, 2]]
    assert synced == 0, "the process running shard 0 publishes the command tree"


async def test_the_process_with_shard_zero_publishes_the_commands(tmp_path: Path) -> None:
    identified, synced = await _identify_as(tmp_path, (2, (0,)))
    assert identified == [[0, 2]]
    assert synced == 1

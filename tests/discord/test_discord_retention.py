"""``/aipm settings retention`` over the fake gateway: set it, see it, be refused, and the next interval follows it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from discord_world import LEARNER, START, World, discord_world, question_letters
from fake_discord import GUILD_ID

OTHER = LEARNER + 1


def retention(world: World, user: int = LEARNER) -> float:
    learner = world.repo.get_learner(str(GUILD_ID), str(user))
    assert learner is not None
    return learner.desired_retention


async def test_settings_retention_sets_it_and_settings_shows_it(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        reply = await world.send("settings retention", {"target": "85%"})

        assert world.is_private(reply)
        assert "Desired retention set to **0.85 (85%)**" in reply.text
        assert retention(world) == 0.85
        shown = await world.send("settings show")
        assert "Desired retention: **0.85 (85%)**" in shown.text


@pytest.mark.parametrize(("typed", "says"), [
    ("0.5", "`0.5` is too low"), ("97", "Did you mean `97%` (0.97)?"), ("abc", "`abc` is not a number I can read"),
])
async def test_bad_input_gets_a_clear_error_and_changes_nothing(tmp_path: Path, typed: str, says: str) -> None:
    async with discord_world(tmp_path) as world:
        await world.send("settings retention", {"target": "0.85"})

        reply = await world.send("settings retention", {"target": typed})

        assert world.is_private(reply)
        assert says in reply.text
        assert "between 0.80 and 0.97" in reply.text
        assert retention(world) == 0.85


async def test_the_next_review_interval_follows_the_learners_retention(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        await world.send("settings retention", {"target": "0.85"}, user_id=OTHER)
        results = []
        for user in (LEARNER, OTHER):
            quiz = await world.send("quiz", user_id=user)
            right, _ = question_letters(world, quiz)
            results.append((await world.send("answer", {"letter": right}, user_id=user)).text)

        at_default, relaxed = results
        assert f"I'll bring this question back {START + timedelta(days=2):%a %d %b}" in at_default
        assert f"I'll bring this question back {START + timedelta(days=4):%a %d %b}" in relaxed

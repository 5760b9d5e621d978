"""Reports with the real discord.py client over the fake gateway: the button under an answer, reason buttons,
``/aipm report`` with its options, ``/aipm admin reports`` / ``resolve`` for Manage Server only, tenancy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from discord_world import LEARNER, World, discord_world, question_letters
from fake_discord import GUILD_ID, MANAGE_GUILD, UPDATE_MESSAGE, Hit

from tests.conftest import START

WS = str(GUILD_ID)
ADMIN: dict[str, Any] = {"permissions": MANAGE_GUILD, "user_id": LEARNER + 7}


def labels(hit: Hit) -> list[str]:
    assert hit.message is not None
    return [c["label"] for row in hit.message.get("components", []) for c in row["components"]]


async def answered(world: World, **who: Any) -> Hit:
    quiz = await world.send("quiz", **who)
    right, _ = question_letters(world, quiz)
    return await world.click(quiz, right, **who)


async def test_the_report_button_asks_for_a_reason_and_a_reason_files_one_report(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        result = await answered(world)
        assert "Report a problem" in labels(result)
        picker = await world.click(result, "Report a problem")
        assert world.is_private(picker)
        assert labels(picker) == ["Wrong answer key", "Unclear", "Outdated", "Typo", "Other"]
        assert world.count("reports") == 0
        assert picker.message is not None
        message = dict(picker.message)
        unclear = next(c["custom_id"] for row in message["components"] for c in row["components"] if c["label"] == "Unclear")

        thanks = await world.click(picker, "Typo")
        assert thanks.callback_type == UPDATE_MESSAGE  # the picker becomes the thanks
        assert "reported as **typo**" in thanks.text
        again = await world.click_id(message, unclear)  # a second click on the same picker, before it was replaced
        assert "already reported this question (as typo" in again.text
        assert world.count("reports") == 1


async def test_slash_report_with_options_and_bad_input(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        refused = await world.send("report", {"reason": "typo"})
        assert "haven't answered a question here yet" in refused.text
        await answered(world)
        forged = await world.send("report", {"reason": "angry"})  # not one of the choices: discord.py refuses it before the core
        assert "Try `/aipm help`" in forged.text
        assert "you haven't answered `beta-q-01`" in (await world.send("report", {"reason": "typo", "question": "beta-q-01"})).text
        assert world.count("reports") == 0

        reply = await world.send("report", {"reason": "wrong-key", "text": "B is the better answer"})
        assert world.is_private(reply)
        [stored] = world.repo.list_reports(WS)
        assert (stored.reason, stored.text, stored.user_id) == ("wrong-key", "B is the better answer", str(LEARNER))
        assert "already reported" in (await world.send("report", {"reason": "other"})).text
        assert world.count("reports") == 1


async def test_manage_server_lists_and_resolves_members_cannot_and_other_servers_stay_apart(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        await answered(world)
        await world.send("report", {"reason": "unclear", "text": "two options overlap"})
        [stored] = world.repo.list_reports(WS)
        elsewhere, _ = world.repo.add_report("another-guild", "U-x", "beta-q-01", "typo", "not yours", START)

        member = await world.send("admin reports")
        assert "Only workspace admins can see the reports" in member.text
        assert "Only workspace admins can resolve" in (await world.send("admin resolve", {"id": str(stored.id), "note": "ok"})).text

        listed = await world.send("admin reports", **ADMIN)
        assert world.is_private(listed)
        assert f"#{stored.id} **unclear**" in listed.text
        assert "two options overlap" in listed.text
        assert "not yours" not in listed.text
        unknown = await world.send("admin resolve", {"id": str(elsewhere.id), "note": "mine now"}, **ADMIN)
        assert f"There is no report #{elsewhere.id} here" in unknown.text
        done = await world.send("admin resolve", {"id": str(stored.id), "note": "reworded option C"}, **ADMIN)
        assert f"Resolved report #{stored.id}" in done.text
        assert world.repo.list_reports(WS) == []
        assert [r.id for r in world.repo.list_reports("another-guild")] == [elsewhere.id]

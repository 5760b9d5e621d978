"""Replies that name a command name it as Discord takes it: ``/aipm`` and the generated subcommand's path, its
options by the names the tree gives them. Over the fake gateway with the real client, as a person sees them."""

from __future__ import annotations

from pathlib import Path

import pytest
from discord_world import LEARNER, World, discord_world, question_letters
from fake_discord import MANAGE_GUILD, Hit
from test_discord_content import TRACK, import_file

ADMIN = {"permissions": MANAGE_GUILD, "user_id": LEARNER + 7}


def example_block(text: str) -> str:
    """The file inside a reply's ```yaml block, exactly as shown."""
    start = text.index("```yaml\n") + len("```yaml\n")
    return text[start:text.index("```", start)]


async def reported(world: World) -> Hit:
    quiz = await world.send("quiz")
    right, _ = question_letters(world, quiz)
    result = await world.click(quiz, right)
    picker = await world.click(result, "Report a problem")
    await world.click(picker, "Typo")
    return picker


async def test_the_report_picker_and_the_admin_list_name_discords_commands_and_options(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        picker = await reported(world)
        assert "Pick a reason, or send `/aipm report <reason> <text>` to add a note" in picker.text
        assert "`report " not in picker.text

        listed = await world.send("admin reports", **ADMIN)  # type: ignore[arg-type]
        assert "Resolve one with `/aipm admin resolve <id> <note>` (it closes every open report" in listed.text
        assert "`admin resolve" not in listed.text


async def test_resolve_errors_show_the_options_by_name(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        not_an_id = await world.send("admin resolve", {"id": "abc", "note": "done"}, **ADMIN)  # type: ignore[arg-type]
        assert not_an_id.text.strip() == (
            "`abc` is not a report id. `/aipm admin reports` lists them, e.g. `/aipm admin resolve id:12 note:fixed the typo`."
        )
        no_note = await world.send("admin resolve", {"id": "7", "note": " "}, **ADMIN)  # type: ignore[arg-type]
        assert no_note.text.strip() == "Add a note saying what you did, for example `/aipm admin resolve id:7 note:fixed the typo in option B`."


async def test_no_tracks_yet_shows_an_example_file_that_imports_as_shown(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        empty = await world.send("admin content", **ADMIN)  # type: ignore[arg-type]
        assert "send it with `/aipm admin import <file>`" in empty.text
        assert "repository" not in empty.text
        assert "content/tracks" not in empty.text

        imported = await import_file(world, example_block(empty.text).encode(), "our-ai-policy.yaml", **ADMIN)
        assert "Imported **Our AI policy** (`our-ai-policy`)" in imported.text
        assert "`/aipm tracks` and follow it with `/aipm track name:our-ai-policy`" in imported.text
        listed = await world.send("admin content", **ADMIN)  # type: ignore[arg-type]
        assert "Remove one with `/aipm admin content-remove <track>`." in listed.text


async def test_a_full_workspace_is_told_discords_content_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.workspace_content.use_case.MAX_TRACKS", 1)
    async with discord_world(tmp_path) as world:
        await import_file(world, TRACK, **ADMIN)
        full = await import_file(world, TRACK.replace(b"acme-policy", b"acme-other"), "acme-other.yaml", **ADMIN)
        assert full.text.strip() == (
            "This workspace already has 1 tracks of its own, the most it can hold. Remove one with `/aipm admin content-remove <track>` first."
        )


async def test_refusals_and_zone_hints_name_discords_commands(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        assert "set your own with `/aipm settings tz`" in (await world.send("settings server-tz", {"zone": "Europe/Paris"})).text
        assert "`/aipm stats` shows your own progress" in (await world.send("team")).text
        assert "your own reports reach them with `/aipm report`" in (await world.send("admin reports")).text
        assert "Ask an admin; `/aipm tracks` shows what you can follow" in (await world.send("admin content")).text

        est = await world.send("settings tz", {"zone": "EST"})
        assert "send a city: `/aipm settings tz zone:America/New_York`" in est.text
        server = await world.send("settings server-tz", {"zone": "EST"}, **ADMIN)  # type: ignore[arg-type]
        assert "send a city: `/aipm settings server-tz zone:America/New_York`" in server.text

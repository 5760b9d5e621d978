"""``/aipm export`` over the fake gateway: the zip arrives attached to an ephemeral reply, for the asker only."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from discord_world import LEARNER, discord_world, question_letters
from fake_discord import CHANNEL_ID, GUILD_ID, UPDATE_MESSAGE

from adapters.discord.embeds import render_files
from bot.context import Context
from bot.delivery_codec import reply_to_json
from bot.intake import REPLY_SETTLE, IntakeRecord
from bot.messages import Attachment, Reply
from tests.export_files import REVLOG_HEADER, OpenedExport, holds_nothing, open_export

OTHER = LEARNER + 1


def the_export(files: list[tuple[str, bytes]]) -> OpenedExport:
    [(name, content)] = files
    assert name == "aipm-export.zip"
    return open_export(content)


async def test_export_attaches_the_zip_to_an_ephemeral_reply(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)
        await world.send("answer", {"letter": right})

        reply = await world.send("export")

        assert world.is_private(reply), "the export must be ephemeral (flag 64)"
        assert "1 answer" in reply.text
        opened = the_export(reply.files)
        assert opened.header == REVLOG_HEADER
        [row] = opened.rows
        assert (row["review_rating"], row["review_state"], row["review_duration"]) == ("3", "0", "")
        assert opened.document["workspace"] == {"id": str(GUILD_ID), "platform": "discord", "name": opened.document["workspace"]["name"],
                                              "fsrs_parameters": None}
        assert opened.document["learner"]["user_id"] == str(LEARNER)


async def test_another_member_gets_only_their_own_rows(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)
        await world.send("answer", {"letter": right})
        await world.send("tip")

        theirs = await world.send("export", user_id=OTHER)

        assert world.is_private(theirs)
        opened = the_export(theirs.files)
        assert opened.document["learner"]["user_id"] == str(OTHER)
        assert holds_nothing(opened)
        assert str(LEARNER) not in str(opened.document)


async def test_forget_me_after_export_leaves_nothing_to_export(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        await world.send("tip")
        assert not holds_nothing(the_export((await world.send("export")).files))
        warning = await world.send("forget-me")

        done = await world.click(warning, "Yes, delete my data")
        assert done.callback_type == UPDATE_MESSAGE
        again = await world.send("export")

        assert holds_nothing(the_export(again.files))
        assert "I hold nothing about you here yet" in again.text


async def test_an_export_recorded_by_a_process_that_died_arrives_with_its_file_after_the_restart(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        await world.send("tip")
        assert world.runner is not None
        assert world.runner.intake is not None
        ctx = Context(workspace_id=str(GUILD_ID), platform="discord", user_id=str(LEARNER), display_name="ada", channel_id=str(CHANNEL_ID))
        body = {"ctx": asdict(ctx), "text": "export", "application_id": "900000000000000001", "token": "itoken-export", "component": False}
        assert world.runner.intake.admit_now(IntakeRecord("discord:interaction:4343", "discord", "interaction", json.dumps(body), "application/json"))

        await world.restart()

        [followup] = await world.fake.wait_for(lambda h: h.token == "itoken-export" and h.kind == "followup")
        assert followup.ephemeral
        assert [t["tip_id"] for t in the_export(followup.files).document["tips_seen"]]


async def test_an_applied_export_left_unanswered_is_built_again_on_restart_and_never_kept(tmp_path: Path) -> None:
    """The intake keeps the caption only: forget-me must leave no copy of the file behind in it."""
    async with discord_world(tmp_path) as world:
        await world.send("tip")
        exported = await world.send("export")
        assert exported.files
        [stored] = world.repo.db.query("SELECT response FROM intake WHERE response LIKE '%rebuild_file%'")
        assert "aipm-export.zip" not in stored["response"]
        assert world.runner is not None
        assert world.runner.intake is not None
        ctx = Context(workspace_id=str(GUILD_ID), platform="discord", user_id=str(LEARNER), display_name="ada", channel_id=str(CHANNEL_ID))
        body = {"ctx": asdict(ctx), "text": "export", "application_id": "900000000000000001", "token": "itoken-applied", "component": False}
        key = "discord:interaction:4444"
        assert world.runner.intake.admit_now(IntakeRecord(key, "discord", "interaction", json.dumps(body), "application/json"))
        stale = {"reply": reply_to_json(Reply(text="the caption stored at the time", kind="export")), "rebuild_file": True}
        assert world.runner.intake.apply(key, lambda: stale).fresh
        world.clock.advance(REPLY_SETTLE + timedelta(seconds=1))

        await world.restart()

        [followup] = await world.fake.wait_for(lambda h: h.token == "itoken-applied" and h.kind == "followup")
        assert followup.ephemeral
        assert "the caption stored at the time" not in json.dumps(followup.body)
        assert len(the_export(followup.files).document["tips_seen"]) == 1


def test_a_file_is_never_attached_to_a_public_reply() -> None:
    file = Attachment("aipm-export.zip", b"PK", "application/zip", "Your data export")
    assert [f.filename for f in render_files(Reply(text="x", attachment=file, private=True))] == ["aipm-export.zip"]
    assert render_files(Reply(text="x", attachment=file, private=False)) == []

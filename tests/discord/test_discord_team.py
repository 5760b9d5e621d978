"""``/aipm team`` and ``/aipm admin report`` over the fake gateway, and the weekly report as a Discord DM."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from discord_world import START, World, discord_world, question_letters
from fake_discord import GUILD_ID, MANAGE_GUILD, dm_channel_id

from bot.context import Context
from bot.delivery import Delivery
from bot.delivery_config import DeliveryConfig
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from tests.charts.png import png_size

WS = str(GUILD_ID)
ADMIN_ID = 600000000000000099
ADMIN: dict[str, Any] = {"permissions": MANAGE_GUILD, "user_id": ADMIN_ID, "name": "boss"}
LEARNERS = (600000000000000011, 600000000000000012, 600000000000000013)


async def _learn(world: World, user_id: int, track: str | None = None) -> None:
    if track:
        await world.send("track", {"name": track}, user_id=user_id, name=f"person{user_id % 100}")
    quiz = await world.send("quiz", user_id=user_id, name=f"person{user_id % 100}")
    right, _ = question_letters(world, quiz)
    await world.send("answer", {"letter": right}, user_id=user_id, name=f"person{user_id % 100}")


async def test_a_member_without_manage_server_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        for user in LEARNERS:
            await _learn(world, user)
        before = world.count("subscriptions"), world.count("answers")
        refused = await world.send("team", user_id=LEARNERS[0])
        assert world.is_private(refused)
        assert "Only workspace admins can see the team report" in refused.text
        assert refused.files == []
        report = await world.send("admin report", {"state": "on"}, user_id=LEARNERS[0])
        assert "Only workspace admins" in report.text
        assert (world.count("subscriptions"), world.count("answers")) == before


async def test_an_admin_gets_the_report_with_the_picture_attached_privately(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        for user in LEARNERS:
            await _learn(world, user)
        for user in LEARNERS[:2]:
            await _learn(world, user, track="beta")
        assert world.core is not None
        for i in range(4):  # another server, where beta has four learners of its own
            other = Context("G-other", "discord", f"X{i}", f"x{i}", channel_id="C-other")
            world.service.handle_text(other, "track beta")
            quiz = world.service.handle_text(other, "quiz")
            question = world.content.questions[world.repo.get_quiz_instance("G-other", quiz.quiz_instance_id or "").question_id]  # type: ignore[union-attr]
            world.service.handle_text(other, f"answer {question.answer}")

        reply = await world.send("team", **ADMIN)

        assert world.is_private(reply), "the team report must be ephemeral (flag 64)"
        assert "Active learners: **3** this week" in reply.text
        assert "(3 have answered here so far)" in reply.text  # the other server's four are not here
        assert "Other topics (fewer than 3 learners each): not shown" in reply.text
        for hidden in ("Data quality", "Beta data", "person11", "person12", "boss", str(LEARNERS[0])):
            assert hidden not in reply.text
        [(name, png)] = reply.files
        assert name == "team.png"
        assert png_size(png) == (1280, 1920)
        assert reply.embeds[0]["image"]["url"] == "attachment://team.png"


async def test_the_weekly_report_arrives_once_as_a_dm_with_its_picture(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        for user in LEARNERS:
            await _learn(world, user)
        on = await world.send("admin report", {"state": "on"}, **ADMIN)
        assert "every Monday at 09:00 (UTC)" in on.text
        sub = world.repo.get_subscription(WS, f"dm:{ADMIN_ID}", "report")
        assert sub is not None
        assert sub.next_due_at is not None
        assert world.core is not None
        assert world.runner is not None
        world.clock.set(sub.next_due_at + timedelta(minutes=1))
        delivery = Delivery(world.service, SqlDeliveryStore(world.repo.db), {"discord": world.runner.messenger}, DeliveryConfig(limits={}))

        await asyncio.to_thread(delivery.sweep_now)
        await asyncio.to_thread(delivery.sweep_now)

        [opened] = await world.fake.wait_for(lambda h: h.kind == "dm_open")
        [posted] = await world.fake.wait_for(lambda h: h.kind == "channel_message")
        assert opened.body == {"recipient_id": ADMIN_ID}
        assert posted.path == f"/api/v10/channels/{dm_channel_id(ADMIN_ID)}/messages"
        assert "Team report · week of" in str(posted.embeds)
        assert [name for name, _ in posted.files] == ["team.png"]
        assert len([h for h in world.fake.hits if h.kind == "channel_message"]) == 1
        assert sub.next_due_at > START


# At send time, the member's roles in the server say whether they are still an admin ---------------------------
async def _report_on(world: World) -> tuple[int, Delivery]:
    for user in LEARNERS:
        await _learn(world, user)
    await world.send("admin report", {"state": "on"}, **ADMIN)
    sub = world.repo.get_subscription(WS, f"dm:{ADMIN_ID}", "report")
    assert sub is not None
    assert sub.id is not None
    assert sub.next_due_at is not None
    assert world.runner is not None
    world.clock.set(sub.next_due_at + timedelta(minutes=1))
    return sub.id, Delivery(world.service, SqlDeliveryStore(world.repo.db), {"discord": world.runner.messenger}, DeliveryConfig(limits={}))


def _posts(world: World) -> list[Any]:
    return [h for h in world.fake.hits if h.kind == "channel_message"]


async def test_the_weekly_report_fetches_the_member_before_it_goes_out(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        _, delivery = await _report_on(world)
        await asyncio.to_thread(delivery.sweep_now)

        [member] = [h for h in world.fake.hits if h.kind == "member"]
        assert member.path == f"/api/v10/guilds/{GUILD_ID}/members/{ADMIN_ID}"
        [posted] = _posts(world)
        assert world.fake.hits.index(member) < world.fake.hits.index(posted)


async def test_a_demoted_or_departed_admin_gets_no_report_and_it_is_switched_off(tmp_path: Path) -> None:
    for change in ("demote", "leave"):
        async with discord_world(tmp_path / change) as world:
            sub_id, delivery = await _report_on(world)
            getattr(world.fake, change)(ADMIN_ID)

            report = await asyncio.to_thread(delivery.sweep_now)

            assert _posts(world) == [], change
            assert [h for h in world.fake.hits if h.kind == "dm_open"] == []
            [failed] = report.keys("failed")
            assert failed.startswith(f"report:{sub_id}:")
            stored = world.repo.get_subscription(WS, f"dm:{ADMIN_ID}", "report")
            assert stored is not None
            assert not stored.active
            world.clock.set(world.clock.now() + timedelta(days=7))
            await asyncio.to_thread(delivery.sweep_now)
            assert len([h for h in world.fake.hits if h.kind == "member"]) == 1  # switched off: not asked again
            assert _posts(world) == []


async def test_a_rate_limited_member_lookup_holds_the_report_until_a_later_sweep(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        sub_id, delivery = await _report_on(world)
        world.fake.fail_next("GET", r"/guilds/\d+/members/\d+$", 429, retry_after=3600)

        first = await asyncio.to_thread(delivery.sweep_now)

        assert _posts(world) == []
        assert first.counts["retrying"] == 1
        stored = world.repo.get_subscription(WS, f"dm:{ADMIN_ID}", "report")
        assert stored is not None
        assert stored.active

        world.clock.set(world.clock.now() + timedelta(minutes=6))
        await asyncio.to_thread(delivery.sweep_now)
        world.clock.set(world.clock.now() + timedelta(minutes=1))
        await asyncio.to_thread(delivery.sweep_now)

        [posted] = _posts(world)
        assert posted.path == f"/api/v10/channels/{dm_channel_id(ADMIN_ID)}/messages"
        assert "Team report · week of" in str(posted.embeds)
        assert {row["status"] for row in world.repo.db.query("SELECT status FROM outbox WHERE subscription_id = ?", (sub_id,))} == {"sent"}

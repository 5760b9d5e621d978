"""The weekly team report by DM: opt-in, once per admin per week through the outbox, exactly once across a crash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.service import Context
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from tests.delivery.conftest import MONDAY, World
from tests.delivery.fakes import CrashingStore, SimulatedCrash
from tests.test_team import png_size

TUESDAY = MONDAY + timedelta(days=1, hours=10)
NEXT_MONDAY_9 = MONDAY + timedelta(days=7, hours=9)


def _a_week_of_learning(world: World) -> None:
    """Three learners answer on Tuesday of the week of 2 March."""
    world.at(TUESDAY)
    for user in ("U-ada", "U-bob", "U-cy"):
        ctx = world.learner(user)
        world.answer(ctx, world.service.handle_text(ctx, "quiz"))


def _opt_in(world: World, user: str) -> int:
    reply = world.service.handle_text(world.admin("C1", user=user), "admin report on")
    assert reply.kind == "team", reply.text
    sub = world.repo.get_subscription("T1", f"dm:{user}", "report")
    assert sub is not None
    assert sub.id is not None
    return sub.id


def _reports(world: World) -> list[str]:
    return [p.key for p in world.messenger.posts if p.key.startswith("report:")]


def test_each_admin_who_opted_in_gets_one_report_a_week_by_dm(world: World) -> None:
    _a_week_of_learning(world)
    boss = _opt_in(world, "U-boss")
    chief = _opt_in(world, "U-chief")
    _opt_in(world, "U-quits")
    world.service.handle_text(world.admin("C1", user="U-quits"), "admin report off")
    refused = world.service.handle_text(Context("T1", "slack", "U-ada", "Ada", channel_id="C1"), "admin report on")
    assert refused.kind == "error"
    assert world.repo.get_subscription("T1", "dm:U-ada", "report") is None

    world.at(NEXT_MONDAY_9).sweep()
    world.at(NEXT_MONDAY_9 + timedelta(minutes=1)).sweep()
    world.at(NEXT_MONDAY_9 + timedelta(days=1)).sweep()

    assert sorted(_reports(world)) == sorted([f"report:{boss}:20260309", f"report:{chief}:20260309"])
    post = world.messenger.posts[0]
    assert (post.destination.kind, post.destination.user_id, post.destination.channel_id) == ("dm", "U-boss", "dm:U-boss")
    report = post.reply
    assert report.kind == "team"
    assert "Team report · week of Mon 02 Mar" in report.text
    assert "Active learners: **3** last week, **0** the week before" in report.text
    for name in ("Ada", "Bob", "Cy", "U-ada"):
        assert name not in report.text
    assert report.image is not None
    assert png_size(report.image.png) == (1280, 1920)

    world.at(NEXT_MONDAY_9 + timedelta(days=7)).sweep()
    assert sorted(_reports(world)[-2:]) == sorted([f"report:{boss}:20260316", f"report:{chief}:20260316"])
    assert len(_reports(world)) == 4


def test_a_report_for_a_small_team_says_so_without_figures(world: World) -> None:
    world.at(TUESDAY)
    ctx = world.learner("U-ada")
    world.answer(ctx, world.service.handle_text(ctx, "quiz"))
    _opt_in(world, "U-boss")
    world.at(NEXT_MONDAY_9).sweep()
    [post] = world.messenger.posts
    assert "at least 3 people" in post.reply.text
    assert post.reply.image is None


def test_forget_me_stops_the_report(world: World) -> None:
    _a_week_of_learning(world)
    _opt_in(world, "U-boss")
    boss = world.admin("C1", user="U-boss")
    world.service.handle_text(boss, "forget-me")
    assert world.service.handle_text(boss, "yes").kind == "forget"
    world.at(NEXT_MONDAY_9).sweep()
    assert _reports(world) == []


@pytest.mark.parametrize(
    ("store_step", "platform_step"),
    [
        (("commit_claims", 1), None),  # planned, nothing sent
        (("record_attempts", 1), None),  # marked sending, the platform never called
        (None, "before"),
        (None, "during"),  # Slack took it; we died before marking it sent
        (("record_attempts", 2), None),  # marked sent, died before anything else
    ],
)
def test_a_crash_then_a_restart_sends_the_report_exactly_once(
    world: World, store_step: tuple[str, int] | None, platform_step: str | None,
) -> None:
    _a_week_of_learning(world)
    boss = _opt_in(world, "U-boss")
    world.at(NEXT_MONDAY_9)
    store = CrashingStore(SqlDeliveryStore(world.open_repo().db), *store_step) if store_step else None
    world.messenger.crash = platform_step
    with pytest.raises(SimulatedCrash):
        world.sweep(world.delivery(store=store, fresh_process=True))

    world.at(NEXT_MONDAY_9 + timedelta(minutes=1))
    world.sweep(world.delivery(fresh_process=True))  # a new process on the same database
    world.sweep(world.delivery(fresh_process=True))

    assert world.messenger.counts() == {f"report:{boss}:20260309": 1}
    assert {row["status"] for row in world.outbox()} == {"sent"}


def test_the_monday_report_counts_the_workspaces_own_track_as_team_does(world: World) -> None:
    from tests.delivery.test_workspace_tracks_delivery import import_track

    import_track(world, "T1")
    world.at(TUESDAY)
    for user in ("U-ada", "U-bob", "U-cy"):
        ctx = world.learner(user)
        world.service.handle_text(ctx, "track acme-policy")
        assert "Acme AI policy" in world.service.handle_text(ctx, "quiz").text
        assert world.service.handle_text(ctx, "answer A").kind == "answer"
    _opt_in(world, "U-boss")
    in_chat = world.service.handle_text(world.admin("C1", user="U-boss"), "team")
    assert "Acme AI policy" in in_chat.text

    world.at(NEXT_MONDAY_9).sweep()

    [post] = [p for p in world.messenger.posts if p.key.startswith("report:")]
    assert "Acme AI policy" in post.reply.text

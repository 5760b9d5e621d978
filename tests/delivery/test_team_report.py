"""The weekly team report by DM: opt-in, once per admin per week through the outbox, exactly once across a crash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.ports import PermanentDeliveryError, TransientDeliveryError
from bot.service import Context
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from tests.delivery.conftest import MONDAY, World
from tests.delivery.fakes import CrashingStore, Failure, SimulatedCrash
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


# The recipient is asked about again at send time: admin status is checked at opt-in, people change ----------
def _row(world: World, sub_id: int) -> dict[str, object]:
    [row] = world.outbox(subscription_id=str(sub_id), kind="report")
    return row


def test_the_report_leaves_only_after_the_platform_says_its_recipient_is_still_an_admin(world: World) -> None:
    _a_week_of_learning(world)
    boss = _opt_in(world, "U-boss")
    learner = world.learner("U-dee")
    world.subscribe_dm(learner)
    world.at(TUESDAY).subscribe_channel("C1", "09:00 UTC")

    world.at(NEXT_MONDAY_9).sweep()

    assert world.messenger.admin_checks == [("T1", "U-boss")]  # asked once, and only for the report
    assert f"report:{boss}:20260309" in world.messenger.counts()
    assert {p.destination.channel_id for p in world.messenger.posts} == {"dm:U-boss", "dm:U-dee", "C1"}


def test_a_demoted_admin_gets_no_report_and_their_subscription_is_switched_off(world: World, caplog: pytest.LogCaptureFixture) -> None:
    _a_week_of_learning(world)
    boss = _opt_in(world, "U-boss")
    chief = _opt_in(world, "U-chief")
    world.at(TUESDAY).subscribe_channel("C1", "09:00 UTC")
    world.messenger.admins["U-chief"] = False  # demoted (or gone) since turning it on

    report = world.at(NEXT_MONDAY_9).sweep()

    assert [p.destination.channel_id for p in world.messenger.posts if p.key.startswith("report:")] == ["dm:U-boss"]
    assert world.messenger.posts_to("C1"), "the other posts of the sweep still went out"
    [failed] = [o for o in report.outcomes if o.status == "failed"]
    assert failed.key == f"report:{chief}:20260309"
    assert "U-chief is no longer an admin" in failed.detail
    row = _row(world, chief)
    assert row["status"] == "failed"
    assert "no longer an admin" in str(row["error"])
    assert row["payload"] is None  # the team's figures are not kept for someone who may not see them
    stored = world.repo.get_subscription("T1", "dm:U-chief", "report")
    assert stored is not None
    assert not stored.active  # switched off, not deleted
    assert "switched off subscription" in caplog.text
    assert "U-chief is no longer an admin" in caplog.text

    checks = len(world.messenger.admin_checks)
    world.at(NEXT_MONDAY_9 + timedelta(minutes=1)).sweep()
    world.at(NEXT_MONDAY_9 + timedelta(days=7)).sweep()
    assert ("T1", "U-chief") not in world.messenger.admin_checks[checks:]  # never retried
    assert [p.key for p in world.messenger.posts if p.key.startswith(f"report:{chief}:")] == []
    assert f"report:{boss}:20260316" in world.messenger.counts()

    del world.messenger.admins["U-chief"]  # an admin again, and turns it back on
    _opt_in(world, "U-chief")
    world.at(NEXT_MONDAY_9 + timedelta(days=14)).sweep()
    assert f"report:{chief}:20260323" in world.messenger.counts()


@pytest.mark.parametrize("answer", [None, TransientDeliveryError("Slack rate limited the look-up", retry_after=30)])
def test_a_failed_lookup_sends_nothing_keeps_the_report_and_a_later_sweep_sends_it_once(
    world: World, answer: bool | TransientDeliveryError | None,
) -> None:
    _a_week_of_learning(world)
    boss = _opt_in(world, "U-boss")
    chief = _opt_in(world, "U-chief")
    world.messenger.admins["U-boss"] = answer

    first = world.at(NEXT_MONDAY_9).sweep()

    assert _reports(world) == [f"report:{chief}:20260309"]
    [waiting] = [o for o in first.outcomes if o.key == f"report:{boss}:20260309"]
    assert waiting.status == "retrying"
    assert "could not check that U-boss is still an admin" in waiting.detail
    assert _row(world, boss)["status"] == "pending"
    assert world.subscription(boss).active

    world.at(NEXT_MONDAY_9 + timedelta(minutes=1)).sweep()  # before the retry time: not asked again yet
    assert world.messenger.admin_checks.count(("T1", "U-boss")) == 1

    del world.messenger.admins["U-boss"]  # the look-up works again
    later = world.at(NEXT_MONDAY_9 + timedelta(minutes=6)).sweep()
    world.at(NEXT_MONDAY_9 + timedelta(minutes=7)).sweep()

    assert later.keys("sent") == [f"report:{boss}:20260309"]
    assert world.messenger.counts() == {f"report:{boss}:20260309": 1, f"report:{chief}:20260309": 1}
    assert {row["status"] for row in world.outbox()} == {"sent"}


def test_a_lookup_that_fails_all_morning_skips_this_week_but_keeps_the_report(world: World) -> None:
    _a_week_of_learning(world)
    boss = _opt_in(world, "U-boss")
    world.messenger.admins["U-boss"] = None
    world.at(NEXT_MONDAY_9).sweep()

    late = world.at(NEXT_MONDAY_9 + timedelta(hours=4)).sweep()  # beyond the 3-hour grace window

    assert late.keys("skipped") == [f"report:{boss}:20260309"]
    assert world.subscription(boss).active
    del world.messenger.admins["U-boss"]
    world.at(NEXT_MONDAY_9 + timedelta(days=7)).sweep()
    assert _reports(world) == [f"report:{boss}:20260316"]


def test_a_platform_that_will_never_say_switches_the_report_off_like_a_refused_post(world: World) -> None:
    _a_week_of_learning(world)
    boss = _opt_in(world, "U-boss")
    world.messenger.admins["U-boss"] = PermanentDeliveryError("the app is not installed in Slack workspace T1")

    report = world.at(NEXT_MONDAY_9).sweep()

    assert _reports(world) == []
    assert report.keys("failed") == [f"report:{boss}:20260309"]
    assert not world.subscription(boss).active


def test_a_report_whose_send_is_retried_is_checked_once(world: World) -> None:
    _a_week_of_learning(world)
    boss = _opt_in(world, "U-boss")
    world.messenger.fail("dm:U-boss", Failure(TransientDeliveryError("rate limited", retry_after=1.0)))

    world.at(NEXT_MONDAY_9).sweep()

    assert world.messenger.counts() == {f"report:{boss}:20260309": 1}
    assert world.messenger.admin_checks == [("T1", "U-boss")]


def test_a_report_left_sending_by_a_crash_is_looked_up_then_checked_before_it_is_sent(world: World) -> None:
    _a_week_of_learning(world)
    boss = _opt_in(world, "U-boss")
    world.at(NEXT_MONDAY_9)
    world.messenger.crash = "before"
    with pytest.raises(SimulatedCrash):
        world.sweep(world.delivery(fresh_process=True))
    world.messenger.admins["U-boss"] = False  # demoted while we were down

    world.at(NEXT_MONDAY_9 + timedelta(minutes=1)).sweep(world.delivery(fresh_process=True))

    assert f"report:{boss}:20260309" in world.messenger.lookups
    assert _reports(world) == []
    assert _row(world, boss)["status"] == "failed"

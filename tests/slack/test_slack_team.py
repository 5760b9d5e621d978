"""``/aipm team`` and ``/aipm admin report on|off`` through signed requests, and the weekly report through Slack's Web API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from slack_fake_api import FakeSlackApi
from slack_harness import SlackClient, all_text

from adapters.slack import handlers
from adapters.slack.runner import SlackRunner
from app.wiring import Core
from bot.clock import FixedClock
from bot.delivery import Delivery
from bot.delivery_config import DeliveryConfig
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from tests.charts.png import PNG_SIGNATURE, png_size

LEARNERS = ("U4", "U5", "U6")


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers, "IMAGE_RETRY_SECONDS", 0.01)


def _learn(slack: SlackClient, core: Core, user: str, team: str = "T1", track: str | None = None) -> None:
    if track:
        slack.send(f"track {track}", user=user, team=team)
    slack.send("quiz", user=user, team=team)
    slack.send("answer A", user=user, team=team)


def _admin(fake: FakeSlackApi, user: str = "U9") -> str:
    fake.users[user] = {"is_admin": True, "real_name": "Boss Person"}
    return user


def test_a_member_asking_for_team_is_refused_and_nothing_changes(slack: SlackClient, fake: FakeSlackApi, core: Core, count: Callable[[str], int]) -> None:
    for user in LEARNERS:
        _learn(slack, core, user)
    before = {table: count(table) for table in ("subscriptions", "answers", "learners")}
    for text in ("team", "admin report on"):
        reply = slack.send(text, user="U4", channel="C1", channel_name="general")
        assert reply["response_type"] == "ephemeral"
        assert "Only workspace admins" in all_text(reply)
    assert fake.calls_to("files.getUploadURLExternal") == []
    assert {table: count(table) for table in before} == before


def test_an_admin_gets_the_figures_as_text_and_a_private_picture(slack: SlackClient, fake: FakeSlackApi, core: Core) -> None:
    for user in LEARNERS:
        _learn(slack, core, user)
    reply = slack.send("team", user=_admin(fake), channel="C1", channel_name="general")

    assert reply["response_type"] == "ephemeral"
    text = all_text(reply)
    assert "Active learners: *3* this week" in text
    assert "Alpha basics:" in text
    assert "Mean chance of recall now → in 7 days" in text
    for who in (*LEARNERS, *(u.lower() for u in LEARNERS), "Boss Person"):
        assert who not in text
    [upload] = fake.calls_to("upload")
    assert upload.params["_bytes"].startswith(PNG_SIGNATURE)
    assert png_size(upload.params["_bytes"]) == (1280, 1920)
    [url] = fake.calls_to("files.getUploadURLExternal")
    assert url.params["filename"] == "team.png"
    [complete] = fake.calls_to("files.completeUploadExternal")
    assert not complete.params.get("channel_id")  # shared nowhere: shown only in the ephemeral reply
    [image] = [b for b in reply["blocks"] if b["type"] == "image"]
    assert image["slack_file"] == {"id": upload.params["_id"]}
    assert fake.calls_to("chat.postMessage") == []


def test_a_topic_with_two_learners_is_grouped_and_workspaces_stay_apart(slack: SlackClient, fake: FakeSlackApi, core: Core) -> None:
    for user in LEARNERS:
        _learn(slack, core, user)
    for user in LEARNERS[:2]:
        _learn(slack, core, user, track="beta")
    for user in ("U7", "U8", "U10", "U11"):
        _learn(slack, core, user, team="T2", track="beta")  # another workspace: beta has four learners there
    admin = _admin(fake)
    text = all_text(slack.send("team", user=admin))
    assert "Other topics (fewer than 3 learners each): not shown" in text
    assert "Data quality" not in text
    assert "Beta data" not in text
    assert "have answered here so far" in text
    assert "(3 have answered here so far)" in text  # T2's four are not counted here

    elsewhere = all_text(slack.send("team", user=admin, team="T2"))
    assert "(4 have answered here so far)" in elsewhere
    assert "Beta data: " in elsewhere


def test_the_weekly_report_goes_to_the_admins_dm_once(slack: SlackClient, fake: FakeSlackApi, core: Core, runner: SlackRunner, clock: FixedClock) -> None:
    for user in LEARNERS:
        _learn(slack, core, user)
    admin = _admin(fake)
    on = all_text(slack.send("admin report on", user=admin, channel="C1", channel_name="general"))
    assert "every Monday at 09:00 (Asia/Kolkata)" in on
    sub = core.repo.get_subscription("T1", f"dm:{admin}", "report")
    assert sub is not None
    assert sub.next_due_at == datetime(2025, 3, 17, 3, 30, tzinfo=UTC)

    clock.set(datetime(2025, 3, 17, 3, 31, tzinfo=UTC))
    delivery = Delivery(core.service, SqlDeliveryStore(core.repo.db), {"slack": runner.messenger}, DeliveryConfig(limits={}))
    delivery.sweep_now()
    delivery.sweep_now()

    [opened] = [c for c in fake.calls_to("conversations.open") if c.params["users"] == admin]
    assert opened
    [post] = fake.calls_to("chat.postMessage")
    assert post.params["channel"] == f"D{admin}"
    assert post.params["metadata"]["event_payload"]["key"] == f"report:{sub.id}:20250317"
    assert "Active learners: *3* last week" in post.params["text"]
    [complete] = fake.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == f"D{admin}"


# At send time, users.info says whether the recipient is still an admin ---------------------------------------
MONDAY_REPORT = datetime(2025, 3, 17, 3, 31, tzinfo=UTC)  # Monday 09:01 in Asia/Kolkata, the fake's zone


def _report_on(slack: SlackClient, fake: FakeSlackApi, core: Core) -> tuple[str, int]:
    for user in LEARNERS:
        _learn(slack, core, user)
    admin = _admin(fake)
    assert "every Monday" in all_text(slack.send("admin report on", user=admin, channel="C1", channel_name="general"))
    sub = core.repo.get_subscription("T1", f"dm:{admin}", "report")
    assert sub is not None
    assert sub.id is not None
    return admin, sub.id


def _delivery(core: Core, runner: SlackRunner) -> Delivery:
    return Delivery(core.service, SqlDeliveryStore(core.repo.db), {"slack": runner.messenger}, DeliveryConfig(limits={}))


def _report_posts(fake: FakeSlackApi) -> list[str]:
    return [c.params["metadata"]["event_payload"]["key"] for c in fake.calls_to("chat.postMessage")]


def test_the_weekly_report_asks_users_info_before_it_goes_out(
    slack: SlackClient, fake: FakeSlackApi, core: Core, runner: SlackRunner, clock: FixedClock,
) -> None:
    admin, sub_id = _report_on(slack, fake, core)
    asked = len(fake.calls_to("users.info"))
    clock.set(MONDAY_REPORT)
    _delivery(core, runner).sweep_now()

    [check] = fake.calls_to("users.info")[asked:]
    assert check.params["user"] == admin
    assert _report_posts(fake) == [f"report:{sub_id}:20250317"]
    assert fake.calls.index(check) < fake.calls.index(fake.calls_to("chat.postMessage")[0])


@pytest.mark.parametrize("gone", [{"is_admin": False}, {"is_admin": True, "deleted": True}, "user_not_found"])
def test_a_demoted_or_departed_admin_gets_no_report_and_it_is_switched_off(
    slack: SlackClient, fake: FakeSlackApi, core: Core, runner: SlackRunner, clock: FixedClock, gone: dict[str, bool] | str,
) -> None:
    admin, sub_id = _report_on(slack, fake, core)
    if isinstance(gone, str):
        fake.script("users.info", body={"ok": False, "error": gone})
    else:
        fake.users[admin] = gone
    clock.set(MONDAY_REPORT)
    report = _delivery(core, runner).sweep_now()

    assert fake.calls_to("chat.postMessage") == []
    assert fake.calls_to("files.completeUploadExternal") == []
    assert report.keys("failed") == [f"report:{sub_id}:20250317"]
    stored = core.repo.get_subscription("T1", f"dm:{admin}", "report")
    assert stored is not None
    assert not stored.active
    asked = len(fake.calls_to("users.info"))
    clock.set(MONDAY_REPORT + timedelta(days=7))
    _delivery(core, runner).sweep_now()
    assert len(fake.calls_to("users.info")) == asked  # switched off: never asked (or sent) again
    assert fake.calls_to("chat.postMessage") == []


@pytest.mark.parametrize("failure", ["ratelimited", "service_unavailable", "network"])
def test_a_failed_users_info_holds_the_report_until_a_later_sweep_can_check(
    slack: SlackClient, fake: FakeSlackApi, core: Core, runner: SlackRunner, clock: FixedClock, failure: str,
) -> None:
    admin, sub_id = _report_on(slack, fake, core)
    if failure == "network":
        fake.script_network("users.info", drop=True)
    elif failure == "ratelimited":
        fake.script("users.info", status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "20"})
    else:
        fake.script("users.info", status=503, body={"ok": False, "error": failure})
    clock.set(MONDAY_REPORT)
    first = _delivery(core, runner).sweep_now()

    assert fake.calls_to("chat.postMessage") == []
    assert first.counts["retrying"] == 1
    stored = core.repo.get_subscription("T1", f"dm:{admin}", "report")
    assert stored is not None
    assert stored.active

    clock.set(MONDAY_REPORT + timedelta(minutes=6))
    _delivery(core, runner).sweep_now()
    clock.set(MONDAY_REPORT + timedelta(minutes=7))
    _delivery(core, runner).sweep_now()

    assert _report_posts(fake) == [f"report:{sub_id}:20250317"]
    assert fake.calls_to("chat.postMessage")[0].params["channel"] == f"D{admin}"

"""Proactive posts through the Messenger: metadata-carried keys, DMs, retries and error classes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from slack_fake_api import FakeSlackApi

from adapters.slack.runner import SlackRunner
from app.wiring import Core
from bot.clock import FixedClock
from bot.delivery import Delivery
from bot.delivery_config import DeliveryConfig
from bot.messages import Image, Reply, Section
from bot.ports import Destination, PermanentDeliveryError, TransientDeliveryError
from bot.service import Context
from bot.store.drivers.sql.delivery import SqlDeliveryStore

CHANNEL = Destination(workspace_id="T1", platform="slack", channel_id="C1", kind="channel")
DM = Destination(workspace_id="T1", platform="slack", channel_id="dm:U5", kind="dm", user_id="U5")
DAILY = Reply(text="Daily tip: **measure rates**", kind="delivery", sections=(Section(title="Daily tip", text="**measure rates**"),), private=False)
SINCE = datetime(2023, 1, 1, tzinfo=UTC)


def test_send_posts_publicly_with_the_key_in_metadata(runner: SlackRunner, fake: FakeSlackApi) -> None:
    ts = asyncio.run(runner.messenger.send(CHANNEL, DAILY, "sub1:2025-03-12:daily"))
    call = fake.calls_to("chat.postMessage")[0]
    assert call.params["channel"] == "C1"
    assert call.params["metadata"] == {"event_type": "aipm_post", "event_payload": {"key": "sub1:2025-03-12:daily"}}
    assert call.params["text"] == "Daily tip: *measure rates*"
    assert call.params["blocks"][0]["type"] == "header"
    assert call.token == "xoxb-test-bot-token"
    assert ts == fake.messages["C1"][0]["ts"]


def test_a_429_is_handed_to_delivery_without_sleeping_in_the_client(runner: SlackRunner, fake: FakeSlackApi) -> None:
    """Retry-After waits belong to delivery's pacer (which holds no worker while it waits), not to the client."""
    fake.script("chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "7"})
    with pytest.raises(TransientDeliveryError) as raised:
        asyncio.run(runner.messenger.send(CHANNEL, DAILY, "k429"))
    assert raised.value.retry_after == 7.0
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_a_post_whose_answer_is_lost_is_not_posted_again_by_the_client(runner: SlackRunner, fake: FakeSlackApi) -> None:
    """The connection drops after Slack took the post: the client must not re-post; find_sent finds it."""
    fake.script_network("chat.postMessage", drop=True)
    with pytest.raises(TransientDeliveryError):
        asyncio.run(runner.messenger.send(CHANNEL, DAILY, "kdrop"))
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert len(fake.messages["C1"]) == 1
    since = datetime(2020, 1, 1, tzinfo=UTC)
    assert asyncio.run(runner.messenger.find_sent(CHANNEL, "kdrop", since)) == fake.messages["C1"][0]["ts"]


def test_a_429_that_persists_is_transient_with_retry_after(runner: SlackRunner, fake: FakeSlackApi) -> None:
    fake.script("chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "1"}, times=2)
    with pytest.raises(TransientDeliveryError) as raised:
        asyncio.run(runner.messenger.send(CHANNEL, DAILY, "k429b"))
    assert raised.value.retry_after == 1.0


@pytest.mark.parametrize("error", ["channel_not_found", "is_archived", "not_in_channel", "account_inactive", "invalid_auth", "token_revoked", "missing_scope"])
def test_permanent_errors(runner: SlackRunner, fake: FakeSlackApi, error: str) -> None:
    fake.script("chat.postMessage", body={"ok": False, "error": error})
    with pytest.raises(PermanentDeliveryError, match=error):
        asyncio.run(runner.messenger.send(CHANNEL, DAILY, "kp"))


def test_server_errors_are_transient(runner: SlackRunner, fake: FakeSlackApi) -> None:
    fake.script("chat.postMessage", status=503, body={"ok": False, "error": "service_unavailable"})
    with pytest.raises(TransientDeliveryError):
        asyncio.run(runner.messenger.send(CHANNEL, DAILY, "k5xx"))


def test_a_dm_opens_the_conversation_first(runner: SlackRunner, fake: FakeSlackApi) -> None:
    asyncio.run(runner.messenger.send(DM, DAILY, "kdm"))
    assert [c.method for c in fake.calls if c.method in ("conversations.open", "chat.postMessage")] == ["conversations.open", "chat.postMessage"]
    assert fake.calls_to("conversations.open")[0].params["users"] == "U5"
    assert fake.calls_to("chat.postMessage")[0].params["channel"] == "DU5"


def test_find_sent_finds_the_key_in_history(runner: SlackRunner, fake: FakeSlackApi) -> None:
    async def scenario() -> tuple[str, str | None, str | None]:
        ts = await runner.messenger.send(CHANNEL, DAILY, "key-a")
        await runner.messenger.send(CHANNEL, DAILY, "key-b")
        return ts, await runner.messenger.find_sent(CHANNEL, "key-a", SINCE), await runner.messenger.find_sent(CHANNEL, "key-c", SINCE)

    ts, found, missing = asyncio.run(scenario())
    assert found == ts
    assert missing is None
    history = fake.calls_to("conversations.history")[0].params
    assert history["channel"] == "C1"
    assert str(history["include_all_metadata"]).lower() in ("true", "1")
    assert float(history["oldest"]) == SINCE.timestamp()


def test_find_sent_in_a_gone_channel_is_unknowable_not_an_error(runner: SlackRunner, fake: FakeSlackApi) -> None:
    fake.script("conversations.history", body={"ok": False, "error": "channel_not_found"})
    assert asyncio.run(runner.messenger.find_sent(CHANNEL, "k", SINCE)) is None


def test_a_chart_is_uploaded_beside_the_post(runner: SlackRunner, fake: FakeSlackApi) -> None:
    png = b"\x89PNG\r\n\x1a\n fake chart"
    recap = Reply(text="Your week", kind="delivery", sections=(Section(text="Your week"),), image=Image(png=png, alt="Answers per day", filename="week.png"), private=False)
    asyncio.run(runner.messenger.send(CHANNEL, recap, "recap1"))
    assert [c.method for c in fake.calls if c.method != "auth.test"] == ["chat.postMessage", "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    assert fake.calls_to("upload")[0].params["_bytes"] == png
    assert fake.calls_to("files.completeUploadExternal")[0].params["channel_id"] == "C1"


def test_a_failed_chart_upload_does_not_fail_the_post(runner: SlackRunner, fake: FakeSlackApi) -> None:
    fake.script("files.getUploadURLExternal", body={"ok": False, "error": "missing_scope"})
    recap = Reply(text="Your week", kind="delivery", image=Image(png=b"png", alt="chart"), private=False)
    ts = asyncio.run(runner.messenger.send(CHANNEL, recap, "recap2"))
    assert ts == fake.messages["C1"][0]["ts"]


def test_a_daily_post_whose_answer_was_lost_goes_out_once(runner: SlackRunner, fake: FakeSlackApi, core: Core, clock: FixedClock) -> None:
    """chat.postMessage accepted, connection dropped: no client retry, delivery waits, finds it, never reposts."""
    admin = Context("T1", "slack", "U1", "ada", channel_id="C1", is_admin=True, platform_tz="UTC")
    assert core.service.handle_text(admin, "subscribe 09:00").kind == "subscribe"
    clock.set(datetime(2025, 3, 13, 9, 1, tzinfo=UTC))
    fake.script_network("chat.postMessage", drop=True)
    config = DeliveryConfig(unknown_outcome_patience=timedelta(seconds=0.2), backoff_base=0.05)
    delivery = Delivery(core.service, SqlDeliveryStore(core.repo.db), {"slack": runner.messenger}, config)
    report = delivery.sweep_now()
    assert report.counts["recovered"] == 1, report.outcomes
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert len(fake.messages["C1"]) == 1
    assert fake.calls_to("conversations.history"), "the unknown outcome was looked up before any resend"


# is_admin: users.info by the rule requests use (adapters.slack.contexts.is_workspace_admin) -----------------------
@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ({"is_admin": True}, True),
        ({"is_owner": True}, True),
        ({"is_primary_owner": True, "is_owner": True}, True),
        ({}, False),  # a member
        ({"is_admin": True, "deleted": True}, False),  # deactivated: not an admin any more
    ],
)
def test_is_admin_asks_users_info(runner: SlackRunner, fake: FakeSlackApi, profile: dict[str, bool], expected: bool) -> None:
    fake.users["U5"] = profile
    assert asyncio.run(runner.messenger.is_admin("T1", "U5")) is expected
    [call] = fake.calls_to("users.info")
    assert call.params["user"] == "U5"
    assert call.token == "xoxb-test-bot-token"


def test_is_admin_is_asked_afresh_each_time(runner: SlackRunner, fake: FakeSlackApi) -> None:
    """The last check before team figures leave: no cached answer from before a demotion."""
    fake.users["U5"] = {"is_admin": True}
    assert asyncio.run(runner.messenger.is_admin("T1", "U5")) is True
    fake.users["U5"] = {"is_admin": False}
    assert asyncio.run(runner.messenger.is_admin("T1", "U5")) is False
    assert len(fake.calls_to("users.info")) == 2


def test_someone_who_left_the_workspace_is_not_an_admin(runner: SlackRunner, fake: FakeSlackApi) -> None:
    fake.script("users.info", body={"ok": False, "error": "user_not_found"})
    assert asyncio.run(runner.messenger.is_admin("T1", "U5")) is False


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}),
        (503, {"ok": False, "error": "service_unavailable"}, {}),
        (200, {"ok": False, "error": "internal_error"}, {}),
    ],
)
def test_is_admin_cannot_tell_when_slack_cannot_answer(
    runner: SlackRunner, fake: FakeSlackApi, status: int, body: dict[str, object], headers: dict[str, str],
) -> None:
    fake.script("users.info", status=status, body=body, headers=headers)
    assert asyncio.run(runner.messenger.is_admin("T1", "U5")) is None
    assert len(fake.calls_to("users.info")) == 1  # no retry sleeping in the client: delivery asks again later


def test_is_admin_cannot_tell_when_the_connection_drops(runner: SlackRunner, fake: FakeSlackApi) -> None:
    fake.script_network("users.info", drop=True)
    assert asyncio.run(runner.messenger.is_admin("T1", "U5")) is None


def test_is_admin_with_a_revoked_token_is_permanent(runner: SlackRunner, fake: FakeSlackApi) -> None:
    fake.script("users.info", body={"ok": False, "error": "token_revoked"})
    with pytest.raises(PermanentDeliveryError, match="token_revoked"):
        asyncio.run(runner.messenger.is_admin("T1", "U5"))

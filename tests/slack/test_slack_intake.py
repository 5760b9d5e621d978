"""Acknowledged means applied once: replays of signed commands, the intake, deep JSON, and profile look-ups."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_fake_api import FakeSlackApi
from slack_harness import FIXTURE_CONTENT, FinishedLog, SlackClient, button

from adapters.slack.payloads import intake_key
from adapters.slack.runner import SlackRunner
from app.settings import Settings
from app.wiring import Core, build_core
from bot.clock import FixedClock
from bot.content import CoursePolicy, load_curriculum
from bot.intake import IntakeRecord
from tests.databases import sqlite_only


def test_a_replayed_signed_slash_command_runs_once(slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog, count: Callable[[str], int]) -> None:
    body, response_id = slack.command_form("quiz")
    assert slack.signed(body, "application/x-www-form-urlencoded").status == 200
    fake.wait_response(response_id)
    assert slack.signed(body, "application/x-www-form-urlencoded").status == 200  # the same signed bytes, again
    finished.wait("command", "duplicate")
    assert count("quiz_instances") == 1
    assert len(fake.responses(response_id)) == 1


def test_a_captured_admin_subscribe_replayed_after_unsubscribe_changes_nothing(
    slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog, core: Core,
) -> None:
    fake.users["U1"] = {"is_admin": True}
    where = {"channel": "C1", "channel_name": "general"}
    captured, first = slack.command_form("subscribe 09:00", **where)
    assert slack.signed(captured, "application/x-www-form-urlencoded").status == 200
    fake.wait_response(first)
    slack.send("unsubscribe", **where)
    assert slack.signed(captured, "application/x-www-form-urlencoded").status == 200
    finished.wait("command", "duplicate")
    active = core.repo.db.query("SELECT COUNT(*) AS n FROM subscriptions WHERE active = 1")[0]["n"]
    assert active == 0, "the replay must not re-activate the subscription"


def test_every_acknowledged_request_is_in_the_intake_and_marked_answered(slack: SlackClient, core: Core, finished: FinishedLog) -> None:
    quiz = slack.send("quiz")
    slack.click(button(quiz, "A"))
    finished.wait("action", "done")
    rows = core.repo.db.query("SELECT key, kind, state FROM intake ORDER BY received_at, key")
    assert {row["kind"] for row in rows} == {"command", "block_actions"}
    assert {row["state"] for row in rows} == {"responded"}


def test_an_open_request_left_by_a_dead_process_is_finished_on_start(core: Core, fake: FakeSlackApi, finished: FinishedLog, count: Callable[[str], int]) -> None:
    """A click written to the intake and acknowledged, then the process died before applying it."""
    first = SlackRunner(core, host="127.0.0.1", port=0, on_finished=finished.record)
    first.start()
    quiz = SlackClient(first.url, fake).send("quiz")
    first.stop()
    client = SlackClient("http://127.0.0.1:9", fake)
    payload, response_id = client.action_payload(button(quiz, "B"), action_ts="1710000000.000777")
    key = intake_key(payload, "block_actions")
    assert key is not None
    raw = urlencode({"payload": json.dumps(payload)})
    assert first.intake.admit_now(IntakeRecord(key, "slack", "block_actions", raw, "application/x-www-form-urlencoded"))
    assert count("answers") == 0

    second = SlackRunner(core, host="127.0.0.1", port=0, on_finished=finished.record)
    second.start()
    try:
        result = fake.wait_response(response_id)
        assert "Correct answer" in json.dumps(result)
        assert count("answers") == 1
        restarted = SlackClient(second.url, fake)
        assert restarted.click_raw(payload).status == 200  # Slack re-delivers the same bytes: acknowledged, not applied
        finished.wait("action", "duplicate")
        assert count("answers") == 1
    finally:
        second.stop()


def test_json_nested_a_thousand_deep_is_a_400_not_a_500(slack: SlackClient) -> None:
    deep = '{"type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": ' + "[" * 1000 + "]" * 1000 + "}"
    assert slack.signed(deep.encode(), "application/json").status == 400
    payload = urlencode({"payload": "[" * 1000 + "]" * 1000}).encode()
    assert slack.signed(payload, "application/x-www-form-urlencoded").status == 400


def test_a_time_in_other_digits_is_refused_and_nothing_stored(slack: SlackClient, core: Core) -> None:
    slack.send("settings time 08:15")
    reply = slack.send("settings time ٩:3٠")
    assert "time" in json.dumps(reply, ensure_ascii=False).lower()
    assert core.repo.db.query("SELECT daily_time FROM learners WHERE user_id = 'U1'")[0]["daily_time"] == "08:15"


def test_a_learner_whose_first_profile_look_up_failed_gets_their_zone_later(slack: SlackClient, fake: FakeSlackApi, core: Core, runner: SlackRunner) -> None:
    fake.script("users.info", body={"ok": False, "error": "ratelimited"}, status=200)
    slack.send("streak")
    assert core.repo.get_learner("T1", "U1").tz_source == "default"  # type: ignore[union-attr]
    runner.handlers.contexts.profiles._entries.clear()  # the short failure cache has run out
    slack.send("streak")
    learner = core.repo.get_learner("T1", "U1")
    assert learner is not None
    assert (learner.tz, learner.tz_source) == ("Asia/Kolkata", "platform")


@sqlite_only
def test_the_database_and_its_wal_are_private_to_the_owner(core: Core, slack: SlackClient) -> None:
    slack.send("streak")
    for suffix in ("", "-wal", "-shm"):
        mode = stat.S_IMODE(os.stat(core.store.url.target + suffix).st_mode)
        assert mode & 0o077 == 0, f"{core.store.url.target}{suffix} is {oct(mode)}"


@sqlite_only
def test_healthz_says_503_with_a_reason_while_the_database_refuses_writes(tmp_path: Path, fake: FakeSlackApi, settings: Settings, clock: FixedClock) -> None:
    core = build_core(settings, db=tmp_path / "h.db", clock=clock, content=load_curriculum(FIXTURE_CONTENT, CoursePolicy.relaxed()))
    core.repo.db.busy_timeout_ms = 50
    runner = SlackRunner(core, host="127.0.0.1", port=0)
    runner.start()
    try:
        with urllib.request.urlopen(f"{runner.url}/healthz", timeout=5) as ok:
            assert ok.status == 200
        holder = sqlite3.connect(core.store.url.target, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{runner.url}/healthz", timeout=5)
            assert refused.value.code == 503
            assert "locked" in json.loads(refused.value.read())["reason"]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        with urllib.request.urlopen(f"{runner.url}/healthz", timeout=5) as again:
            assert again.status == 200, "healthy again without a restart"
    finally:
        runner.stop()
        core.store.close()


def test_a_rate_limited_profile_look_up_holds_no_thread(slack: SlackClient, fake: FakeSlackApi, core: Core) -> None:
    """users.info says 429 with Retry-After 25: the learner is answered now, in UTC, and asked again later."""
    fake.script("users.info", status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "25"})
    reply = slack.send("streak", user="U7")  # would wait out the 25 s inside a worker with a retrying client
    assert "streak" in json.dumps(reply).lower()
    assert len(fake.calls_to("users.info")) == 1
    assert core.repo.get_learner("T1", "U7").tz_source == "default"  # type: ignore[union-attr]
    other = slack.send("help", user="U8")
    assert "forget-me" in json.dumps(other)
    slack.send("streak", user="U7")
    assert [c.params["user"] for c in fake.calls_to("users.info")] == ["U7", "U8"], "U7 is not asked again before Retry-After"


def test_a_hanging_response_url_does_not_hold_up_another_learner(slack: SlackClient, fake: FakeSlackApi) -> None:
    release = threading.Event()
    fake.script_network("response", hold=release)
    try:
        result, held = slack.command("tip", user="U5")
        assert result.status == 200
        fake.wait_for("response", where=lambda c: c.params.get("_id") == held)  # it arrived, and hangs there
        assert "forget-me" in json.dumps(slack.send("help", user="U6"))
    finally:
        release.set()


def test_a_slow_unsigned_upload_is_not_counted_at_the_front_door(slack: SlackClient, runner: SlackRunner) -> None:
    host, port = runner.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as slow:
        slow.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"a\":")
        assert "forget-me" in json.dumps(slack.send("help", user="U9"))
        assert runner.gate._pending == 0, "an unread, unsigned body must not hold back everyone's work"

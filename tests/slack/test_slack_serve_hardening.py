"""Issue #11's failures, reproduced against a real ``aipm serve`` process and shown fixed.

Each test starts the real process on a fresh database with the fake Web API, then drives it only through
signed HTTP requests, as Slack would.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_fake_api import FakeSlackApi
from test_slack_kill9 import serve


@pytest.fixture
def fake() -> Iterator[FakeSlackApi]:
    api = FakeSlackApi().start()
    yield api
    api.stop()


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def test_a_replayed_signed_command_and_a_replayed_admin_subscribe_change_nothing(tmp_path: Path, fake: FakeSlackApi) -> None:
    db = tmp_path / "replay.db"
    fake.users["U1"] = {"is_admin": True}
    with serve(db, fake) as (_, slack):
        quiz, quiz_id = slack.command_form("quiz")
        assert slack.signed(quiz, "application/x-www-form-urlencoded").status == 200
        fake.wait_response(quiz_id)
        assert slack.signed(quiz, "application/x-www-form-urlencoded").status == 200  # the same signed bytes again

        where = {"channel": "C1", "channel_name": "general"}
        captured, first = slack.command_form("subscribe 09:00", **where)
        assert slack.signed(captured, "application/x-www-form-urlencoded").status == 200
        fake.wait_response(first)
        slack.send("unsubscribe", **where)
        assert slack.signed(captured, "application/x-www-form-urlencoded").status == 200  # replayed after unsubscribe
        slack.send("help")  # answered after both replays were taken and dropped
        assert len(fake.responses(quiz_id)) == 1
        assert len(fake.responses(first)) == 1
    assert rows(db, "SELECT COUNT(*) FROM quiz_instances") == [(1,)]
    assert rows(db, "SELECT COUNT(*) FROM subscriptions WHERE active = 1") == [(0,)]


def test_a_rate_limited_profile_look_up_does_not_stall_another_learner(tmp_path: Path, fake: FakeSlackApi) -> None:
    fake.script("users.info", status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "25"})
    with serve(tmp_path / "limits.db", fake) as (_, slack):
        first = slack.send("streak", user="U1")  # would sleep 25 s inside a worker with a retrying client
        other = slack.send("help", user="U2")
        assert "streak" in json.dumps(first).lower()
        assert "forget-me" in json.dumps(other)


def test_a_slow_unsigned_upload_leaves_others_answered_and_deep_json_is_a_400(tmp_path: Path, fake: FakeSlackApi) -> None:
    with serve(tmp_path / "door.db", fake) as (_, slack):
        host, port = slack.events_url.removeprefix("http://").split("/")[0].split(":")
        with socket.create_connection((host, int(port)), timeout=5) as slow:
            slow.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
            result, response_id = slack.command("help", user="U3")
            assert result.status == 200
            assert "forget-me" in json.dumps(fake.wait_response(response_id))
        deep = '{"type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": ' + "[" * 1000 + "]" * 1000 + "}"
        assert slack.signed(deep.encode(), "application/json").status == 400
        assert slack.signed(urlencode({"payload": "[" * 1000 + "]" * 1000}).encode(), "application/x-www-form-urlencoded").status == 400


def test_a_time_typed_in_other_digits_is_refused(tmp_path: Path, fake: FakeSlackApi) -> None:
    db = tmp_path / "digits.db"
    with serve(db, fake) as (_, slack):
        slack.send("settings time 08:15")
        slack.send("settings time ٩:3٠")
    assert rows(db, "SELECT daily_time FROM learners WHERE user_id = 'U1'") == [("08:15",)]


def test_the_database_its_wal_and_a_backup_are_private(tmp_path: Path, fake: FakeSlackApi) -> None:
    db = tmp_path / "private.db"
    with serve(db, fake) as (_, slack):
        slack.send("streak")
        for suffix in ("", "-wal", "-shm"):
            assert (Path(f"{db}{suffix}").stat().st_mode & 0o077) == 0, suffix
    from app.cli import main

    assert main(["db", "backup", str(tmp_path / "copy.db"), "--db", str(db)]) == 0
    assert ((tmp_path / "copy.db").stat().st_mode & 0o077) == 0

"""A workspace's own track through Slack: `/aipm admin import`, then the file sent to the bot in a DM (a
signed ``message`` event), downloaded from the fake Web API's url_private with the bot token."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from slack_fake_api import FakeSlackApi
from slack_harness import FinishedLog, SlackClient, all_text

from adapters.slack.runner import SlackRunner
from bot.clock import FixedClock

TRACK = (Path(__file__).resolve().parents[1] / "fixtures" / "workspace" / "acme-policy.yaml").read_bytes()
ADMIN = "UADMIN"


def dm_file(slack: SlackClient, fake: FakeSlackApi, data: bytes, *, name: str = "acme-policy.yaml", user: str = ADMIN,
            event_id: str = "EvFile1") -> None:
    """What Slack sends when someone shares a file in their DM with the bot."""
    event = {
        "type": "message", "subtype": "file_share", "channel": f"D{user}", "channel_type": "im", "user": user, "text": "",
        "ts": f"{time.time():.6f}", "files": [fake.share_file(name, data)],
    }
    assert slack.event(event, event_id=event_id).status == 200


def posted_to(fake: FakeSlackApi, channel: str, count: int = 1) -> str:
    call = fake.wait_for("chat.postMessage", count, where=lambda c: c.params.get("channel") == channel)[count - 1]
    return str(call.params.get("text"))


def test_an_admin_imports_a_track_by_dm_and_only_this_workspace_sees_it(
    slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog, count: Callable[[str], int],
) -> None:
    fake.users[ADMIN] = {"is_admin": True}
    asked = all_text(slack.send("admin import", user=ADMIN, channel="C1", channel_name="general"))
    assert "Send me the YAML file in a direct message" in asked

    dm_file(slack, fake, TRACK)
    reply = posted_to(fake, f"D{ADMIN}")

    assert "Imported *Acme AI policy*" in reply
    download = fake.wait_for("download")[0]
    assert download.headers["authorization"] == f"Bearer {fake.bot_token}"
    assert count("workspace_tracks") == 1
    assert "acme-policy" in all_text(slack.send("tracks"))
    assert "Acme AI policy" in all_text(slack.send("track acme-policy"))
    assert "Acme AI policy" in all_text(slack.send("quiz"))
    slack.send("answer A")
    assert "following" not in all_text(slack.send("track acme-policy", team="T2"))
    for command in ("tracks", "tip", "quiz", "review", "stats", "leaderboard all"):
        text = all_text(slack.send(command, team="T2"))
        assert "Acme" not in text, command
        assert "acme-policy" not in text, command
    fake.users["UADMIN2"] = {"is_admin": True}
    assert "no tracks of its own yet" in all_text(slack.send("admin content", team="T2", user="UADMIN2"))

    dm_file(slack, fake, TRACK, event_id="EvFile2")  # the awaited upload was used: a second file is not imported
    finished.wait("dm_file", "ignored")
    assert len(fake.calls_to("download")) == 1


def test_a_file_nobody_asked_for_is_never_downloaded(slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog, count: Callable[[str], int]) -> None:
    fake.users[ADMIN] = {"is_admin": True}
    dm_file(slack, fake, TRACK)
    finished.wait("dm_file", "ignored")
    assert fake.calls_to("download") == []
    assert count("workspace_tracks") == 0


def test_a_bad_file_is_refused_with_its_lines_and_a_member_cannot_import(
    slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog, count: Callable[[str], int],
) -> None:
    fake.users[ADMIN] = {"is_admin": True}
    slack.send("admin import", user=ADMIN)
    dm_file(slack, fake, TRACK.replace(b"answer: B", b"answer: F"))
    refused = posted_to(fake, f"D{ADMIN}")
    assert "I didn't import acme-policy.yaml" in refused
    assert "acme-policy.yaml:34: questions.1.answer" in refused
    assert count("workspace_tracks") == 0

    dm_file(slack, fake, TRACK.replace(b"acme-policy", b"alpha"), name="alpha.yaml", event_id="EvFile2")  # still expected: fix and resend
    assert "alpha.yaml:2: track id 'alpha' is the course's own" in posted_to(fake, f"D{ADMIN}", 2)
    assert count("workspace_tracks") == 0

    member = all_text(slack.send("admin import", user="U2"))
    assert "Only workspace admins" in member
    dm_file(slack, fake, TRACK, user="U2", event_id="EvFile3")
    finished.wait("dm_file", "ignored")
    assert count("workspace_tracks") == 0
    assert len(fake.calls_to("download")) == 2, "the member's file was never fetched"


def test_a_retried_file_event_imports_once(slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog) -> None:
    fake.users[ADMIN] = {"is_admin": True}
    slack.send("admin import", user=ADMIN)
    event = {
        "type": "message", "channel": f"D{ADMIN}", "channel_type": "im", "user": ADMIN, "ts": "1.0", "files": [fake.share_file("t.yaml", TRACK)],
    }
    assert slack.event(event, event_id="EvOnce").status == 200
    assert slack.event(event, event_id="EvOnce", retry_num=1).status == 200
    finished.wait("dm_file", "done")
    assert len(fake.calls_to("download")) == 1
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_an_import_whose_answer_was_lost_is_answered_by_the_recovery_pass(
    slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog, runner: SlackRunner, clock: FixedClock, count: Callable[[str], int],
) -> None:
    fake.users[ADMIN] = {"is_admin": True}
    slack.send("admin import", user=ADMIN)
    fake.script("chat.postMessage", body={"ok": False, "error": "ratelimited"})
    dm_file(slack, fake, TRACK)
    finished.wait("dm_file", "reply-pending")
    assert count("workspace_tracks") == 1

    clock.advance(timedelta(minutes=1))
    assert runner.finish_open_requests(starting=False) == 1

    assert "Imported *Acme AI policy*" in posted_to(fake, f"D{ADMIN}", 2)
    assert len(fake.calls_to("download")) == 1, "the stored answer is sent; the file is not imported again"

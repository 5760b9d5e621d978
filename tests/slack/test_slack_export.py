"""``/aipm export`` through signed slash commands: the zip goes into the learner's DM, the answer says so."""

from __future__ import annotations

import pytest
from slack_fake_api import FakeSlackApi
from slack_harness import SlackClient, all_text

from adapters.slack import handlers
from app.wiring import Core
from tests.export_files import REVLOG_HEADER, OpenedExport, holds_nothing, open_export


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers, "IMAGE_RETRY_SECONDS", 0.01)


def uploaded(fake: FakeSlackApi, index: int = -1) -> OpenedExport:
    upload = fake.calls_to("upload")[index]
    return open_export(upload.params["_bytes"])


def test_export_from_a_channel_uploads_the_zip_into_the_learners_dm_only(slack: SlackClient, fake: FakeSlackApi) -> None:
    slack.send("quiz", channel="C1", channel_name="general")
    slack.send("answer A", channel="C1", channel_name="general")

    message = slack.send("export", channel="C1", channel_name="general")

    assert message["response_type"] == "ephemeral"
    assert "I sent your data export to our direct messages: `aipm-export.zip`" in all_text(message)
    [opened_dm] = fake.calls_to("conversations.open")
    assert opened_dm.params["users"] == "U1"
    [url] = fake.calls_to("files.getUploadURLExternal")
    assert url.params["filename"] == "aipm-export.zip"
    [complete] = fake.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "DU1"  # the DM fake conversations.open returns, never C1
    assert "Everything I hold about you here: 1 answer" in complete.params["initial_comment"]
    opened = uploaded(fake)
    assert opened.header == REVLOG_HEADER
    [row] = opened.rows
    assert row["review_state"] == "0"
    assert row["review_rating"] in ("1", "3")
    assert opened.document["learner"]["user_id"] == "U1"
    assert fake.calls_to("chat.postMessage") == []


def test_a_failed_upload_says_what_happened_and_what_to_do(slack: SlackClient, fake: FakeSlackApi) -> None:
    fake.script("files.getUploadURLExternal", body={"ok": False, "error": "missing_scope"})
    message = slack.send("export")
    text = all_text(message)
    assert "I couldn't send your data export just now (Slack said `missing_scope`)" in text
    assert "send `/aipm export` again" in text
    assert fake.calls_to("upload") == []


def test_the_stored_answer_is_true_whatever_the_upload_did(slack: SlackClient, core: Core) -> None:
    """A restart resends what the intake stored: it must not claim a file arrived."""
    slack.send("export")
    stored = core.repo.db.query("SELECT response FROM intake WHERE kind = 'command'")
    assert len(stored) == 1
    assert "on its way to our direct messages" in stored[0]["response"]
    assert "aipm-export.json" not in stored[0]["response"]


def test_another_workspace_or_user_gets_only_their_own_rows(slack: SlackClient, fake: FakeSlackApi) -> None:
    slack.send("tip")
    slack.send("quiz")
    slack.send("answer A")

    slack.send("export", team="T2")
    elsewhere = uploaded(fake)
    slack.send("export", user="U2", channel="D2")
    colleague = uploaded(fake)

    assert elsewhere.document["workspace"]["id"] == "T2"
    assert holds_nothing(elsewhere)
    assert colleague.document["learner"]["user_id"] == "U2"
    assert holds_nothing(colleague)
    assert [c.params["channel_id"] for c in fake.calls_to("files.completeUploadExternal")] == ["DU1", "DU2"]


def test_forget_me_after_export_leaves_nothing_to_export(slack: SlackClient, fake: FakeSlackApi) -> None:
    slack.send("tip")
    slack.send("export")
    assert not holds_nothing(uploaded(fake))

    assert "I deleted everything I had about you here" in all_text(slack.send("forget-me confirm"))
    slack.send("export")

    assert holds_nothing(uploaded(fake))
    assert len(fake.calls_to("upload")) == 2

"""`/aipm stats` through a signed slash command: the progress card is uploaded privately and shown inline."""

from __future__ import annotations

import pytest
from slack_fake_api import RESPONSE, FakeSlackApi
from slack_harness import SlackClient

from adapters.slack import handlers
from tests.charts.png import PNG_SIGNATURE, png_size


def _image_blocks(message: dict[str, object]) -> list[dict[str, object]]:
    return [b for b in message["blocks"] if b["type"] == "image"]  # type: ignore[attr-defined, index]


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers, "IMAGE_RETRY_SECONDS", 0.01)


def test_stats_uploads_the_card_privately_and_replies_with_an_image_block(slack: SlackClient, fake: FakeSlackApi) -> None:
    message = slack.send("stats")
    [upload_url] = fake.calls_to("files.getUploadURLExternal")
    [upload] = fake.calls_to("upload")
    [complete] = fake.calls_to("files.completeUploadExternal")
    file_id = upload.params["_id"]
    assert upload.params["_bytes"].startswith(PNG_SIGNATURE)
    width, _ = png_size(upload.params["_bytes"])
    assert width >= 1000
    assert upload_url.params["filename"] == "progress.png"
    assert not complete.params.get("channel_id")  # shared nowhere
    assert not complete.params.get("channels")
    assert message["response_type"] == "ephemeral"
    [image] = _image_blocks(message)
    assert image["slack_file"] == {"id": file_id}
    assert "streak" in str(image["alt_text"])
    assert message["blocks"][-1] == image
    assert "Answered: *0*" in message["text"]
    assert fake.calls_to("chat.postMessage") == []  # nothing posted to a channel


def test_a_failed_upload_still_answers_with_the_caption(slack: SlackClient, fake: FakeSlackApi) -> None:
    fake.script("files.getUploadURLExternal", body={"ok": False, "error": "missing_scope"})
    message = slack.send("stats")
    assert _image_blocks(message) == []
    assert message["blocks"][-1]["type"] == "context"
    assert "Progress card" in message["blocks"][-1]["elements"][0]["text"]


def test_an_image_block_slack_refuses_is_tried_again_then_replaced_by_the_caption(slack: SlackClient, fake: FakeSlackApi) -> None:
    fake.script(RESPONSE, status=404, body={"ok": False, "error": "invalid_blocks"}, times=2)
    result, response_id = slack.command("stats")
    assert result.status == 200
    tries = fake.wait_for(RESPONSE, 3, where=lambda c: c.params.get("_id") == response_id)
    assert [bool(_image_blocks(c.params)) for c in tries] == [True, True, False]
    assert "Answered: *0*" in tries[-1].params["text"]


def test_other_commands_upload_nothing(slack: SlackClient, fake: FakeSlackApi) -> None:
    slack.send("streak")
    assert fake.calls_to("files.getUploadURLExternal") == []

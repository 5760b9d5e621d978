"""The App Home shows the progress card: uploaded privately once per change of the card, inline by its file id."""

from __future__ import annotations

from typing import Any

import pytest
from slack_fake_api import FakeSlackApi
from slack_harness import SlackClient, all_text, button
from slack_sdk.models.views import View

from adapters.slack import home
from tests.charts.png import PNG_SIGNATURE, png_size

HOME_OPENED = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1710000000.000200"}


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(home, "IMAGE_RETRY_SECONDS", 0.01)


def _open_home(slack: SlackClient, fake: FakeSlackApi, event_id: str) -> dict[str, Any]:
    before = len(fake.calls_to("views.publish"))
    assert slack.event(HOME_OPENED, event_id=event_id).status == 200
    return dict(fake.wait_for("views.publish", before + 1)[-1].params["view"])


def _images(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view["blocks"] if b["type"] == "image"]


def _valid(view: dict[str, Any]) -> None:
    """slack_sdk's Block Kit model accepts the view and keeps every block of it."""
    model = View(**view)
    model.validate_json()
    assert model.to_dict()["blocks"] == view["blocks"]


def test_the_home_shows_the_progress_card_uploaded_to_no_channel(slack: SlackClient, fake: FakeSlackApi) -> None:
    view = _open_home(slack, fake, "EvCard1")
    [upload] = fake.calls_to("upload")
    [complete] = fake.calls_to("files.completeUploadExternal")
    assert upload.params["_bytes"].startswith(PNG_SIGNATURE)
    assert png_size(upload.params["_bytes"]) == (1280, 1440)
    assert not complete.params.get("channel_id")  # shared nowhere
    assert not complete.params.get("channels")
    [image] = _images(view)
    assert image["slack_file"] == {"id": upload.params["_id"]}
    assert str(image["alt_text"]).startswith("Progress card: streak 0")
    assert view["blocks"][-1] == image
    assert "Your streak" in all_text(view)
    _valid(view)
    assert fake.calls_to("chat.postMessage") == []


def test_opening_the_home_again_unchanged_reuses_the_upload(slack: SlackClient, fake: FakeSlackApi) -> None:
    first = _open_home(slack, fake, "EvCard2")
    second = _open_home(slack, fake, "EvCard3")
    assert len(fake.calls_to("files.getUploadURLExternal")) == 1
    assert _images(second) == _images(first)


def test_an_answer_refreshes_the_home_without_drawing_and_opening_it_uploads_the_new_card(slack: SlackClient, fake: FakeSlackApi) -> None:
    """Drawing costs CPU on every answer: a refresh keeps the last card; opening the tab brings the new one."""
    first = _images(_open_home(slack, fake, "EvCard4"))[0]
    quiz = slack.send("quiz")
    slack.click(button(quiz, "A"))
    refreshed = fake.wait_for("views.publish", 2)[1].params["view"]
    assert [i["slack_file"] for i in _images(refreshed)] == [first["slack_file"]]
    assert len(fake.calls_to("upload")) == 1  # nothing drawn or uploaded for the refresh
    assert "Your streak" in all_text(refreshed)
    _valid(refreshed)

    opened = _open_home(slack, fake, "EvCard4b")
    uploads = fake.wait_for("upload", 2)
    [image] = _images(opened)
    assert image["slack_file"] == {"id": uploads[1].params["_id"]} != first["slack_file"]
    assert "streak 1" in str(image["alt_text"])
    _valid(opened)


def test_a_refresh_for_someone_who_never_opened_the_home_draws_nothing(slack: SlackClient, fake: FakeSlackApi) -> None:
    quiz = slack.send("quiz")
    slack.click(button(quiz, "A"))
    refreshed = fake.wait_for("views.publish", 1)[0].params["view"]
    assert _images(refreshed) == []
    assert fake.calls_to("upload") == []
    assert fake.calls_to("files.getUploadURLExternal") == []
    assert "Progress card: streak 1" in all_text(refreshed)
    _valid(refreshed)


def test_a_failed_upload_still_publishes_the_home_with_the_caption(slack: SlackClient, fake: FakeSlackApi) -> None:
    fake.script("files.getUploadURLExternal", body={"ok": False, "error": "missing_scope"})
    view = _open_home(slack, fake, "EvCard5")
    assert _images(view) == []
    assert "Progress card: streak 0" in view["blocks"][-1]["elements"][0]["text"]
    assert button(view, "Start a quiz")["style"] == "primary"
    _valid(view)
    assert _images(_open_home(slack, fake, "EvCard6"))  # nothing was remembered: the next open uploads


def test_a_card_slack_refuses_is_tried_again_then_left_out_and_uploaded_anew_next_time(slack: SlackClient, fake: FakeSlackApi) -> None:
    fake.script("views.publish", body={"ok": False, "error": "invalid_blocks"}, times=2)
    assert slack.event(HOME_OPENED, event_id="EvCard7").status == 200
    tries = fake.wait_for("views.publish", 3)
    assert [bool(_images(c.params["view"])) for c in tries] == [True, True, False]
    assert "Your streak" in all_text(tries[-1].params["view"])
    later = _open_home(slack, fake, "EvCard8")
    assert len(fake.calls_to("files.getUploadURLExternal")) == 2
    assert _images(later)[0]["slack_file"] == {"id": fake.calls_to("upload")[1].params["_id"]}


def test_the_remembered_cards_are_bounded() -> None:
    cards = home.HomeCards(size=2)
    cards.put(("T1", "U1"), "k1", "F1")
    cards.put(("T1", "U2"), "k2", "F2")
    assert cards.get(("T1", "U1"), "k1") == "F1"  # U1 is now the most recently used
    cards.put(("T1", "U3"), "k3", "F3")
    assert cards.get(("T1", "U2"), "k2") is None
    assert cards.get(("T1", "U1"), "k1") == "F1"
    assert cards.get(("T1", "U1"), "other") is None
    assert cards.get(("T2", "U1"), "k1") is None  # another workspace's learner is someone else

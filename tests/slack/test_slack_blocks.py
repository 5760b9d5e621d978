"""Reply -> Block Kit: markup, Slack's size limits, unique action ids and the fallback text."""

from __future__ import annotations

from adapters.slack.blocks import (
    ACTION_PATTERN,
    HOME_BLOCK_LIMIT,
    MESSAGE_BLOCK_LIMIT,
    SECTION_TEXT_LIMIT,
    core_action,
    home_view,
    message_payload,
    reply_blocks,
    split_text,
    to_mrkdwn,
)
from bot.messages import ACTION_ANSWER, ACTION_START_QUIZ, Button, Image, Reply, Section


def test_markup_translates_bold_and_keeps_italic_and_code() -> None:
    assert to_mrkdwn("**Right!** _Source: x_ and `answer B`") == "*Right!* _Source: x_ and `answer B`"


def test_angle_brackets_and_ampersands_are_escaped_so_slack_does_not_read_links() -> None:
    assert to_mrkdwn("latency < 200 ms & p99 > 1 s") == "latency &lt; 200 ms &amp; p99 &gt; 1 s"


def test_title_becomes_a_plain_header_and_text_a_mrkdwn_section() -> None:
    blocks = reply_blocks(Reply(text="t", sections=(Section(title="**Your** stats", text="Answered: **3**"),)))
    assert blocks == [
        {"type": "header", "text": {"type": "plain_text", "text": "Your stats", "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "Answered: *3*"}},
    ]


def test_a_title_too_long_for_a_header_becomes_a_bold_line() -> None:
    block = reply_blocks(Reply(text="t", sections=(Section(title="x" * 200, text="body"),)))[0]
    assert block["type"] == "section"
    assert block["text"]["text"] == "*" + "x" * 200 + "*"


def test_long_text_is_split_at_line_breaks_under_the_section_limit() -> None:
    text = "\n".join(f"line {i:04d} " + "y" * 60 for i in range(120))
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(len(chunk) <= SECTION_TEXT_LIMIT for chunk in chunks)
    assert "\n".join(chunks) == text
    assert split_text("z" * 7000) == ["z" * 3000, "z" * 3000, "z" * 1000]


def test_buttons_get_unique_action_ids_that_route_back_to_the_core_action() -> None:
    buttons = tuple(Button(letter, ACTION_ANSWER, f"q1:{letter}") for letter in "ABCD")
    reply = Reply(text="quiz", sections=(Section(text="pick", buttons=buttons), Section(text="more", buttons=(Button("Next", ACTION_START_QUIZ, "n", "primary"),))))
    blocks = reply_blocks(reply)
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(actions) == 1
    ids = [e["action_id"] for e in actions[0]["elements"]]
    assert ids == ["aipm_answer:0", "aipm_answer:1", "aipm_answer:2", "aipm_answer:3"]
    assert [e["value"] for e in actions[0]["elements"]] == ["q1:A", "q1:B", "q1:C", "q1:D"]
    accessory = blocks[-1]["accessory"]
    assert (accessory["action_id"], accessory["style"]) == ("aipm_quiz:4", "primary")
    assert all(core_action(i) == ACTION_ANSWER for i in ids)
    assert core_action("aipm_quiz:4") == ACTION_START_QUIZ
    assert core_action("someone_else:1") is None
    assert ACTION_PATTERN.match("aipm_answer") is not None


def test_default_style_is_omitted_and_danger_kept() -> None:
    reply = Reply(text="t", sections=(Section(text="sure?", buttons=(Button("Yes", "aipm_forget_confirm", "c", "danger"), Button("No", "aipm_forget_cancel", "x"))),))
    elements = reply_blocks(reply)[-1]["elements"]
    assert elements[0]["style"] == "danger"
    assert "style" not in elements[1]


def test_an_image_without_upload_shows_its_alt_text() -> None:
    blocks = reply_blocks(Reply(text="t", sections=(Section(text="chart"),), image=Image(png=b"\x89PNG", alt="Accuracy by week")))
    assert blocks[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "🖼 Accuracy by week"}]}


def test_fallback_text_is_always_set() -> None:
    payload = message_payload(Reply(text="**Hello**", sections=(Section(text="x"),)))
    assert payload["text"] == "*Hello*"
    assert message_payload(Reply(text=""))["text"]


def test_block_limits_for_messages_and_home() -> None:
    reply = Reply(text="t", sections=tuple(Section(title=f"T{i}", text=f"s{i}") for i in range(80)))
    assert len(reply_blocks(reply)) == MESSAGE_BLOCK_LIMIT
    assert reply_blocks(reply)[-1]["type"] == "context"
    view = home_view(reply)
    assert view["type"] == "home"
    assert len(view["blocks"]) == HOME_BLOCK_LIMIT


def test_an_uploaded_image_is_an_image_block_by_file_id_and_survives_the_block_limit() -> None:
    image = Image(png=b"\x89PNG", alt="Progress card: **streak** 3")
    blocks = reply_blocks(Reply(text="t", sections=(Section(text="stats"),), image=image), image_file_id="F123ABC")
    assert blocks[-1] == {"type": "image", "slack_file": {"id": "F123ABC"}, "alt_text": "Progress card: streak 3"}
    long = Reply(text="t", sections=tuple(Section(title=f"T{i}", text=f"s{i}") for i in range(80)), image=image)
    capped = reply_blocks(long, image_file_id="F123ABC")
    assert len(capped) == MESSAGE_BLOCK_LIMIT
    assert capped[-1]["type"] == "image"
    assert capped[-2]["type"] == "context"  # the shortened note

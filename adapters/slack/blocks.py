"""Neutral Replies to Block Kit: messages, App Home views, and the button action ids Slack sends back.

Slack's own limits shape the rendering: section text stops at 3,000 characters (longer texts are split on
line breaks), headers are plain text up to 150 characters, a message holds 50 blocks and a home view 100,
and action ids must be unique within a block (so each button gets ``f"{core_action}:{index}"`` and clicks
are routed by ``ACTION_PATTERN``). A section with a single button carries it as the section's accessory;
rows of two or more become an actions block. That keeps an answered quiz, whose "Next quiz" is its only
button, free of any actions row where the answer buttons used to be. A reply's picture is an ``image``
block naming an uploaded file's id when the caller uploaded it, else a context line with its alt text.
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import ACTIONS, Button, Reply, Section

SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_LABEL_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTIONS_PER_BLOCK = 25
MESSAGE_BLOCK_LIMIT = 50
HOME_BLOCK_LIMIT = 100
FALLBACK_TEXT_LIMIT = 3000
IMAGE_ALT_LIMIT = 2000

Block = dict[str, Any]

ACTION_PATTERN = re.compile(rf"^({'|'.join(re.escape(action) for action in ACTIONS)})(?::\d+)?$")

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ITALIC = re.compile(r"(?<![\w*])_(.+?)_(?!\w)")
_CODE = re.compile(r"`([^`]+)`")


def to_mrkdwn(text: str) -> str:
    """Neutral markup to Slack mrkdwn: ``**bold**`` becomes ``*bold*``; ``_italic_`` and backticks already match.

    ``&``, ``<`` and ``>`` are escaped because Slack reads ``<...>`` as links and mentions; course text
    such as "latency < 200 ms" must show as written.
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BOLD.sub(r"*\1*", escaped)


def to_plain(text: str) -> str:
    """Markup stripped, for plain_text fields (headers, button labels) that show asterisks literally."""
    return _CODE.sub(r"\1", _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text)))


def split_text(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Chunks of at most ``limit`` characters, cut at line breaks where possible so formatting survives."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    if rest.strip():
        chunks.append(rest)
    return chunks


def core_action(action_id: str) -> str | None:
    """The core's ``ACTION_*`` id behind a rendered button's action id, or None if it is not ours."""
    match = ACTION_PATTERN.match(action_id)
    return match.group(1) if match else None


def _button(button: Button, index: int) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": to_plain(button.label)[:BUTTON_LABEL_LIMIT] or "·", "emoji": True},
        "action_id": f"{button.action_id}:{index}",
    }
    if button.value:
        element["value"] = button.value[:BUTTON_VALUE_LIMIT]
    if button.style != "default":
        element["style"] = button.style
    return element


def _title_block(title: str) -> Block:
    plain = to_plain(title).strip()
    if 0 < len(plain) <= HEADER_LIMIT:
        return {"type": "header", "text": {"type": "plain_text", "text": plain, "emoji": True}}
    return {"type": "section", "text": {"type": "mrkdwn", "text": f"*{to_mrkdwn(to_plain(title))[: SECTION_TEXT_LIMIT - 2]}*"}}


def _section_blocks(section: Section, first_index: int) -> list[Block]:
    blocks: list[Block] = []
    if section.title:
        blocks.append(_title_block(section.title))
    chunks = split_text(to_mrkdwn(section.text)) if section.text.strip() else []
    texts: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in chunks]
    buttons = [_button(button, first_index + i) for i, button in enumerate(section.buttons)]
    if len(buttons) == 1 and texts:
        texts[-1]["accessory"] = buttons[0]
        buttons = []
    blocks.extend(texts)
    for start in range(0, len(buttons), ACTIONS_PER_BLOCK):
        blocks.append({"type": "actions", "elements": buttons[start : start + ACTIONS_PER_BLOCK]})
    return blocks


def image_block(file_id: str, alt: str) -> Block:
    """A picture already uploaded to Slack, shown inline by its file id (the file itself is shared nowhere)."""
    return {"type": "image", "slack_file": {"id": file_id}, "alt_text": to_plain(alt)[:IMAGE_ALT_LIMIT] or "chart"}


def reply_blocks(reply: Reply, limit: int = MESSAGE_BLOCK_LIMIT, image_file_id: str | None = None) -> list[Block]:
    """Every section of ``reply`` as blocks, then its image: inline when uploaded as ``image_file_id``, else its alt
    text; capped at ``limit`` blocks."""
    blocks: list[Block] = []
    index = 0
    sections = reply.sections or (Section(text=reply.text),)
    for section in sections:
        blocks.extend(_section_blocks(section, index))
        index += len(section.buttons)
    picture: Block | None = None
    if reply.image is not None and image_file_id:
        picture = image_block(image_file_id, reply.image.alt)
    elif reply.image is not None:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"🖼 {to_mrkdwn(reply.image.alt)}"}]})
    room = limit - (picture is not None)
    if len(blocks) > room:
        note: Block = {"type": "context", "elements": [{"type": "mrkdwn", "text": "…(shortened: Slack shows at most this much)"}]}
        blocks = [*blocks[: room - 1], note]
    return [*blocks, picture] if picture is not None else blocks


def fallback_text(reply: Reply) -> str:
    """The top-level ``text``: what notifications and screen readers show instead of the blocks."""
    text = to_mrkdwn(reply.text).strip() or "aipm-companion"
    return text if len(text) <= FALLBACK_TEXT_LIMIT else text[: FALLBACK_TEXT_LIMIT - 1] + "…"


def message_payload(reply: Reply, image_file_id: str | None = None) -> dict[str, Any]:
    """``text`` and ``blocks`` for chat.postMessage or a response_url."""
    return {"text": fallback_text(reply), "blocks": reply_blocks(reply, image_file_id=image_file_id)}


def home_view(reply: Reply, image_file_id: str | None = None) -> dict[str, Any]:
    """The App Home tab for ``views.publish``; its picture inline when uploaded as ``image_file_id``."""
    return {"type": "home", "blocks": reply_blocks(reply, limit=HOME_BLOCK_LIMIT, image_file_id=image_file_id)}

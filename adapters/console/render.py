"""Neutral replies to terminal output: rich markup on a terminal, plain text in scripts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from rich.markup import escape

from bot.messages import Reply

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])_(.+?)_(?!\w)")
_CODE = re.compile(r"`([^`]+)`")
_FENCE = re.compile(r"```[a-z]*\n(.*?)```", re.DOTALL)


def plain(text: str) -> str:
    """Strip the neutral markup for plain output; a fenced block (an example file) is printed as it is."""
    return _by_fence(text, lambda prose: _CODE.sub(r"\1", _ITALIC.sub(r"\1", _BOLD.sub(r"\1", prose))), lambda block: block)


def to_rich(text: str) -> str:
    def prose(part: str) -> str:
        escaped = escape(part)
        escaped = _BOLD.sub(r"[bold]\1[/bold]", escaped)
        escaped = _ITALIC.sub(r"[italic]\1[/italic]", escaped)
        return _CODE.sub(r"[cyan]\1[/cyan]", escaped)

    return _by_fence(text, prose, lambda block: f"[cyan]{escape(block)}[/cyan]")


def _by_fence(text: str, prose: Callable[[str], str], block: Callable[[str], str]) -> str:
    """``prose`` applied outside fenced blocks and ``block`` to each block's inside, so markup rules never
    touch a file's text (a YAML key like ``try_this`` is not italics)."""
    parts, at = [], 0
    for fence in _FENCE.finditer(text):
        parts += [prose(text[at:fence.start()]), block(fence.group(1))]
        at = fence.end()
    return "".join([*parts, prose(text[at:])])


def button_keys(reply: Reply) -> list[tuple[str, str, str, str]]:
    """``(key, label, action_id, value)`` for each button: letters keep their label, others get numbers."""
    keys = []
    number = 1
    for button in reply.buttons:
        if len(button.label) == 1:
            key = button.label.upper()
        else:
            key = str(number)
            number += 1
        keys.append((key, button.label, button.action_id, button.value))
    return keys


def image_line(reply: Reply, saved_at: Path | None) -> str:
    """Where the reply's picture was written (a terminal cannot show it), or what it shows when it was not."""
    assert reply.image is not None
    if saved_at is None:
        return f"(image: {reply.image.alt}, {len(reply.image.png)} bytes PNG)"
    return f"(image saved to {saved_at}: {reply.image.alt}; type open to view it)"


def file_line(reply: Reply, saved_at: Path | None) -> str:
    """Where the reply's file (a data export) was written, or that it could not be."""
    assert reply.attachment is not None
    file = reply.attachment
    if saved_at is None:
        return f"(file {file.filename}, {len(file.content)} bytes: could not be written; check the folder's permissions and try again)"
    return f"(file saved to {saved_at}: {file.title or file.filename})"


def render_plain(reply: Reply, image_path: Path | None = None, file_path: Path | None = None) -> str:
    lines: list[str] = []
    for section in reply.sections:
        if section.title:
            lines.append(f"== {plain(section.title)} ==")
        lines.append(plain(section.text))
    if not reply.sections:
        lines.append(plain(reply.text))
    keys = button_keys(reply)
    if keys:
        lines.append("  ".join(f"[{key}]" if key == label else f"[{key}] {label}" for key, label, _, _ in keys))
    if reply.image is not None:
        lines.append(image_line(reply, image_path))
    if reply.attachment is not None:
        lines.append(file_line(reply, file_path))
    return "\n".join(lines)

"""A neutral Reply as a Discord message: one embed, a row of buttons, and the chart or file as an attachment.

The core's markup (``**bold**``, ``_italic_``, backticks) is already Discord markdown, so text passes
through untouched; only Discord's size limits are enforced here, cutting with an ellipsis rather than
letting the API refuse the whole message.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.components import ActionButton
from bot.messages import Reply

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_VALUE_MAX = 1024
BUTTONS_PER_ROW = 5
BUTTONS_MAX = 25

_COLOURS = {
    "error": discord.Colour.red(),
    "quiz": discord.Colour.blurple(),
    "review": discord.Colour.blurple(),
    "tip": discord.Colour.gold(),
}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _colour(reply: Reply) -> discord.Colour:
    if reply.answer is not None and reply.answer.correct is not None:
        return discord.Colour.green() if reply.answer.correct else discord.Colour.orange()
    return _COLOURS.get(reply.kind, discord.Colour.blurple())


def render_embed(reply: Reply) -> discord.Embed:
    """Title from the first section title; every section's text in order in the description.

    Later section titles become bold lines rather than embed fields, so the reading order the core chose
    survives (fields always render after the description).
    """
    title: str | None = None
    parts: list[str] = []
    for section in reply.sections:
        if section.title and title is None:
            title = section.title
        elif section.title:
            parts.append(f"**{section.title}**")
        if section.text:
            parts.append(section.text)
        if section.title or section.text:
            parts.append("")
    description = "\n".join(parts).strip() or reply.text
    embed = discord.Embed(title=clip(title, TITLE_MAX) if title else None, description=clip(description, DESCRIPTION_MAX), colour=_colour(reply))
    if reply.image is not None:
        embed.set_image(url=f"attachment://{reply.image.filename}")
    return embed


def render_view(reply: Reply) -> discord.ui.View | None:
    """The buttons as a View used only to render components.

    The view is stopped before it is sent, so discord.py does not track it (it would give ephemeral views a
    15-minute timeout); clicks are routed by the ActionButton dynamic item registered at start-up.
    Must run inside the event loop that sends it, like any View.
    """
    buttons = reply.buttons[:BUTTONS_MAX]
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for index, button in enumerate(buttons):
        item = ActionButton(button.action_id, button.value, button.label, button.style)
        item.row = index // BUTTONS_PER_ROW
        view.add_item(item)
    view.stop()
    return view


def render_files(reply: Reply) -> list[discord.File]:
    """Fresh File objects each time: discord.py closes them after sending.

    A reply's file (a learner's export) goes only on a private reply: the core marks it private, and the
    bridge sends private replies ephemeral, so only the asker can open it."""
    files = []
    if reply.image is not None:
        files.append(discord.File(io.BytesIO(reply.image.png), filename=reply.image.filename, description=clip(reply.image.alt, 1024)))
    if reply.attachment is not None and reply.private:
        file = reply.attachment
        files.append(discord.File(io.BytesIO(file.content), filename=file.filename, description=clip(file.title or file.filename, 1024)))
    return files


@dataclass
class RenderedMessage:
    embed: discord.Embed
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``send``/``send_message``/``followup.send``; omits what is absent (None breaks them)."""
        kwargs: dict[str, Any] = {"embed": self.embed}
        if self.view is not None:
            kwargs["view"] = self.view
        if self.files:
            kwargs["files"] = self.files
        return kwargs

    def replace_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for editing the clicked message: the result replaces the question and its buttons.

        The answer buttons go (so the quiz cannot be answered twice); the result's own buttons, such as
        "Next quiz", take their place.
        """
        kwargs: dict[str, Any] = {"embed": self.embed, "view": self.view}
        if self.files:
            kwargs["attachments"] = self.files
        return kwargs


def render_reply(reply: Reply) -> RenderedMessage:
    return RenderedMessage(embed=render_embed(reply), view=render_view(reply), files=render_files(reply))

"""Buttons whose ``custom_id`` carries the core's action and value, so a click needs no memory to route.

Every button the bot sends is an ``ActionButton`` with ``custom_id = "<action_id>|<value>"``. The class is
registered once at start-up with ``client.add_dynamic_items``; discord.py then rebuilds the button from any
matching click, including clicks on messages sent before a restart. Views are therefore only renderers:
nothing is kept in memory per message (see ``embeds.render_view``).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol

import discord

from bot.messages import ButtonStyle

log = logging.getLogger(__name__)

CUSTOM_ID_MAX = 100  # Discord's limit
SEPARATOR = "|"
TEMPLATE = re.compile(r"(?P<action>aipm_[a-z_]{1,32})\|(?P<value>[^|]{0,62})")  # at most 100 characters in all

_STYLES: dict[ButtonStyle, discord.ButtonStyle] = {
    "default": discord.ButtonStyle.secondary,
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
}


class ClickHandler(Protocol):
    async def run_action(self, interaction: discord.Interaction, action_id: str, value: str) -> None: ...


def custom_id_for(action_id: str, value: str) -> str:
    """The stable id a click brings back; refuses what the template (and so the handler) could not read."""
    custom_id = f"{action_id}{SEPARATOR}{value}"
    if len(custom_id) > CUSTOM_ID_MAX or not TEMPLATE.fullmatch(custom_id):
        raise ValueError(f"cannot encode button {action_id!r}/{value!r} in a Discord custom_id")
    return custom_id


def is_ours(custom_id: str) -> bool:
    return TEMPLATE.fullmatch(custom_id) is not None


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """One core Button; its click goes to the client's bridge as ``handle_action(action_id, value)``."""

    def __init__(self, action_id: str, value: str, label: str = "", style: ButtonStyle = "default") -> None:
        super().__init__(
            discord.ui.Button(label=(label or value)[:80], style=_STYLES.get(style, discord.ButtonStyle.secondary), custom_id=custom_id_for(action_id, value))
        )
        self.action_id = action_id
        self.value = value

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /) -> ActionButton:
        return cls(match["action"], match["value"])

    async def callback(self, interaction: discord.Interaction) -> None:
        handler: ClickHandler | None = getattr(interaction.client, "bridge", None)
        if handler is None:
            log.error("a button was clicked but the client has no bridge to the core")
            return
        await handler.run_action(interaction, self.action_id, self.value)

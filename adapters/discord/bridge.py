"""One interaction in, one core call, one response out, always inside Discord's 3-second window.

The core is synchronous (SQLite), so every call runs in a worker thread: the gateway heartbeat and other
users' interactions keep flowing while it works. Most calls finish in milliseconds and are answered
directly, which lets the reply choose exactly how it is shown (private or not, new message or an edit
of the clicked one). Only when a call is still running after ``defer_after`` seconds is the interaction
deferred, and the reply then follows as a follow-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import discord

from adapters.discord.context import context_from_interaction
from adapters.discord.embeds import render_reply
from bot.messages import Reply, error_reply
from bot.service import CompanionService

log = logging.getLogger(__name__)

DEFER_AFTER = 1.5  # seconds; leaves headroom for the network inside Discord's 3 s deadline
# Every reply to a slash command is private today. Should a slow reply turn out public after an ephemeral
# defer, it stays private: the safe direction, since a private answer must never leak into the channel.
DEFER_EPHEMERAL = True
INTERNAL_ERROR = "Something went wrong on my side and nothing was changed. Please try again in a moment."


class CoreBridge:
    """Translate interactions into ``handle_text``/``handle_action`` and the Reply back into a response."""

    def __init__(self, service: CompanionService, defer_after: float = DEFER_AFTER) -> None:
        self.service = service
        self.defer_after = defer_after

    async def run_text(self, interaction: discord.Interaction, text: str) -> None:
        """A slash command, rebuilt as the text a user would type after ``/aipm``."""
        ctx = context_from_interaction(interaction)
        reply = await self._call_core(
            lambda: self.service.handle_text(ctx, text),
            defer=lambda: interaction.response.defer(ephemeral=DEFER_EPHEMERAL, thinking=True),
        )
        await self._respond(interaction, reply)

    async def run_action(self, interaction: discord.Interaction, action_id: str, value: str) -> None:
        """A button click; a slow one defers as an update so the result can still replace the message."""
        ctx = context_from_interaction(interaction)
        reply = await self._call_core(
            lambda: self.service.handle_action(ctx, action_id, value),
            defer=lambda: interaction.response.defer(),
        )
        await self._respond(interaction, reply)

    async def reject(self, interaction: discord.Interaction, text: str) -> None:
        """A private error for input the core never saw (an unknown command or a foreign button)."""
        await self._respond(interaction, error_reply(text))

    async def _call_core(self, call: Callable[[], Reply], defer: Callable[[], Awaitable[object]]) -> Reply:
        work = asyncio.ensure_future(asyncio.to_thread(call))
        done, _ = await asyncio.wait({work}, timeout=self.defer_after)
        if not done:
            try:
                await defer()
            except discord.HTTPException as error:
                log.warning("could not defer a slow interaction: %s", error)
        try:
            return await work
        except Exception:
            log.exception("the core failed while handling a Discord interaction")
            return error_reply(INTERNAL_ERROR)

    async def _respond(self, interaction: discord.Interaction, reply: Reply) -> None:
        rendered = render_reply(reply)
        replace = reply.replace_original and interaction.type is discord.InteractionType.component
        try:
            if not interaction.response.is_done():
                if replace:
                    await interaction.response.edit_message(**rendered.replace_kwargs())
                else:
                    await interaction.response.send_message(ephemeral=reply.private, **rendered.send_kwargs())
            elif replace:
                await interaction.edit_original_response(**rendered.replace_kwargs())
            else:
                await interaction.followup.send(ephemeral=reply.private, **rendered.send_kwargs())
        except discord.HTTPException as error:
            # Usually the 3-second window closed (10062 Unknown interaction); the user sees Discord's own notice.
            log.warning("could not answer a Discord interaction: %s", error)

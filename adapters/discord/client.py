"""The gateway client: owns the ``/aipm`` command tree, the button handler and the command sync."""

from __future__ import annotations

import logging
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from adapters.discord.bridge import INTERNAL_ERROR, CoreBridge
from adapters.discord.commands import build_aipm_group
from adapters.discord.components import ActionButton, is_ours

log = logging.getLogger(__name__)

UNKNOWN_COMMAND = "I don't know that command (Discord may still be showing an old version). Try `/aipm help`."
UNKNOWN_BUTTON = "I don't recognise that button. Send `/aipm help` to see what I can do."
# Longer waits raise RateLimited, which the messenger turns into a retry-later for the delivery scheduler,
# instead of parking a send for minutes. discord.py's own floor is 30 s.
MAX_RATELIMIT_WAIT = 30.0


# What Discord sends when its copy of the commands is newer or older than ours, or an option cannot be read.
_OUTDATED = (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch, app_commands.TransformerError)


class CompanionTree(app_commands.CommandTree):
    """Answers a slash command that failed outside the core with a private sentence instead of silence."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        if isinstance(error, _OUTDATED):
            log.warning("a slash command did not match the registered commands: %s", error)
            text = UNKNOWN_COMMAND
        else:
            log.error("a slash command failed", exc_info=error)
            text = INTERNAL_ERROR
        bridge: CoreBridge | None = getattr(interaction.client, "bridge", None)
        if interaction.type is discord.InteractionType.application_command and bridge is not None and not interaction.response.is_done():
            await bridge.reject(interaction, text)


class CompanionClient(discord.AutoShardedClient):
    """Only the ``guilds`` intent: interactions carry the member and their permissions, so no member list,
    presence or message content is needed."""

    def __init__(
        self, bridge: CoreBridge, guild_id: int | None = None, *, guild_ready_timeout: float = 2.0,
        shard_count: int | None = None, shard_ids: tuple[int, ...] | None = None,
    ) -> None:
        """``shard_count``/``shard_ids``: run these of that many shards (several processes split a large bot);
        unset, discord.py asks Discord how many shards to run and runs them all."""
        intents = discord.Intents.none()
        intents.guilds = True
        sharding: dict[str, Any] = {"shard_count": shard_count}
        if shard_ids is not None:
            sharding["shard_ids"] = list(shard_ids)
        super().__init__(
            intents=intents, max_ratelimit_timeout=MAX_RATELIMIT_WAIT, guild_ready_timeout=guild_ready_timeout,
            allowed_mentions=discord.AllowedMentions.none(), **sharding,
        )
        # The command tree is one per application: only the process running shard 0 publishes it.
        self.publishes_commands = shard_ids is None or 0 in shard_ids
        self.bridge = bridge
        self.sync_guild_id = guild_id
        self.tree = CompanionTree(self)
        self.tree.add_command(build_aipm_group(bridge))
        self._guard_interaction_parser()

    def _guard_interaction_parser(self) -> None:
        """A malformed INTERACTION_CREATE must cost one interaction, not the gateway connection.

        discord.py parses dispatches inside its websocket loop; a KeyError there (an interaction without the
        fields Discord always sends) would end the connection. The bad event is logged and dropped instead.
        """
        parsers = self._connection.parsers
        parse = parsers["INTERACTION_CREATE"]

        def guarded(data: Any) -> None:
            try:
                parse(data)
            except Exception:
                log.warning("dropped a malformed INTERACTION_CREATE", exc_info=True)

        parsers["INTERACTION_CREATE"] = guarded

    async def setup_hook(self) -> None:
        """Runs once after login, before the gateway connects: register buttons, then publish the commands."""
        self.add_dynamic_items(ActionButton)
        if self.shard_count is not None:
            await self._use_the_gateway_discord_names()
        if self.publishes_commands:
            await self.sync_commands()
        else:
            log.info("shards %s: the process running shard 0 publishes the commands", self.shard_ids)

    async def _use_the_gateway_discord_names(self) -> None:
        """Told its shard count, discord.py would connect to its built-in gateway address without asking;
        ask instead (the address Discord names, and how many identifies are left today: 1,000 a day)."""
        _, url, limit = await self.http.get_bot_gateway()
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        log.info("shards %s of %s; %s of %s identifies left today", self.shard_ids, self.shard_count, limit.get("remaining"), limit.get("total"))

    async def sync_commands(self) -> None:
        """Globally by default (can take a while to show up); to one server at once when DISCORD_GUILD_ID is set."""
        try:
            if self.sync_guild_id is not None:
                guild = discord.Object(id=self.sync_guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("synced %d Discord command(s) to server %s", len(synced), self.sync_guild_id)
            else:
                synced = await self.tree.sync()
                log.info("synced %d Discord command(s) globally", len(synced))
        except discord.HTTPException as error:
            # The bot still answers commands registered earlier; a failed sync must not keep it offline.
            log.error("could not sync slash commands with Discord: %s", error)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Buttons that are not ours would otherwise fail silently ("This interaction failed")."""
        if interaction.type is not discord.InteractionType.component or not isinstance(interaction.data, dict):
            return
        custom_id = str(interaction.data.get("custom_id", ""))
        if not is_ours(custom_id):
            await self.bridge.reject(interaction, UNKNOWN_BUTTON)

"""Who is asking, and where: a core Context from a Discord interaction."""

from __future__ import annotations

import discord

from bot.context import Context

PLATFORM = "discord"


def workspace_id_for(guild_id: int | None, user_id: int) -> str:
    """A server is a workspace; a DM outside any server is the user's own little workspace."""
    return str(guild_id) if guild_id is not None else f"dm:{user_id}"


def grants_admin(permissions: discord.Permissions) -> bool:
    """Discord's admin rule, in one place for requests and for the weekly team report's send-time check."""
    return bool(permissions.manage_guild or permissions.administrator)


def is_server_admin(interaction: discord.Interaction) -> bool:
    """Manage Server (or Administrator) in the channel, as Discord resolved it for this very interaction.

    A real check on every call, because ``default_permissions`` is only a hint an admin can override, and
    Discord does not apply it to subcommands at all. Outside a server there is nothing to administer.
    """
    if interaction.guild_id is None:
        return False
    return grants_admin(interaction.permissions)


def context_from_interaction(interaction: discord.Interaction) -> Context:
    """Discord tells us nothing about the user's time zone, so ``platform_tz`` stays None."""
    user = interaction.user
    guild = interaction.guild
    return Context(
        workspace_id=workspace_id_for(interaction.guild_id, user.id),
        platform=PLATFORM,
        user_id=str(user.id),
        display_name=user.display_name,
        channel_id=str(interaction.channel_id) if interaction.channel_id is not None else None,
        is_dm=interaction.guild_id is None,
        is_admin=is_server_admin(interaction),
        platform_tz=None,
        workspace_name=(guild.name or "") if guild is not None else "",
    )

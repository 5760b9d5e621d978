"""The OAuth2 link a server admin opens to add the bot, with exactly the permissions it uses."""

from __future__ import annotations

import sys
from urllib.parse import urlencode

import discord

SCOPES = ("bot", "applications.commands")

# Read the channel, post embeds with buttons and chart attachments, and run slash commands; nothing more,
# so admins can see at a glance that the bot cannot moderate, mention everyone or read message content.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    use_application_commands=True,
)


def invite_url(application_id: str) -> str:
    """The authorize URL for ``application_id`` (the developer portal's Application ID)."""
    application_id = application_id.strip()
    if not application_id.isdigit():
        raise ValueError(f"{application_id!r} is not a Discord application id: copy the numeric Application ID from the developer portal.")
    query = urlencode({"client_id": application_id, "scope": " ".join(SCOPES), "permissions": str(BOT_PERMISSIONS.value)})
    return f"https://discord.com/oauth2/authorize?{query}"


def print_invite_url(application_id: str | None) -> int:
    """``aipm discord invite-url``: print the link, or say what to set; returns the exit code."""
    if not application_id:
        print("Set DISCORD_APPLICATION_ID (the Application ID from the developer portal) or pass --application-id.", file=sys.stderr)
        return 2
    try:
        print(invite_url(application_id))
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    return 0

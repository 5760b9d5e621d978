"""Discord's settings: the bot token, an optional guild for instant command sync, and the API address."""

from __future__ import annotations

import os
from typing import Any

from pydantic import SecretStr

from bot.config import CoreSettings, secret_from_env


class DiscordSettings(CoreSettings):
    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    discord_api_url: str | None = None
    discord_application_id: str | None = None

    @property
    def discord_configured(self) -> bool:
        return self.discord_token is not None


def discord_env() -> dict[str, Any]:
    """``DISCORD_TOKEN``, ``DISCORD_GUILD_ID``, ``DISCORD_API_URL`` and ``DISCORD_APPLICATION_ID``."""
    guild = os.environ.get("DISCORD_GUILD_ID", "").strip()
    return {
        "discord_token": secret_from_env("DISCORD_TOKEN"),
        "discord_guild_id": int(guild) if guild.isdigit() else None,
        "discord_api_url": os.environ.get("DISCORD_API_URL") or None,
        "discord_application_id": os.environ.get("DISCORD_APPLICATION_ID") or None,
    }

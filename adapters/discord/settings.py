"""Discord's settings: the bot token, an optional guild for instant command sync, and the API address."""

from __future__ import annotations

import os
from typing import Any

from pydantic import SecretStr

from bot.config import ConfigurationError, CoreSettings, secret_from_env


class DiscordSettings(CoreSettings):
    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    discord_api_url: str | None = None
    discord_application_id: str | None = None
    discord_shard_count: int | None = None
    """``DISCORD_SHARD_COUNT``: shards across every process (Discord requires one per 2,500 servers)."""
    discord_shard_ids: tuple[int, ...] | None = None
    """``DISCORD_SHARD_IDS`` (e.g. ``0-3`` or ``0,2,5-7``): the shards this process runs; all when unset."""

    @property
    def discord_configured(self) -> bool:
        return self.discord_token is not None


def parse_shard_ids(text: str, count: int | None) -> tuple[int, ...]:
    """``0-3`` or ``0,2,5-7`` to shard numbers; every one must be below ``count``."""
    if count is None:
        raise ConfigurationError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the shards across every process)")
    found: list[int] = []
    for part in text.replace(" ", "").split(","):
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ConfigurationError(f"DISCORD_SHARD_IDS: {part!r} is not a shard number or a range like 0-3")
        first, last = int(low), int(high) if dash else int(low)
        if first > last:
            raise ConfigurationError(f"DISCORD_SHARD_IDS: the range {part!r} runs backwards")
        found += range(first, last + 1)
    outside = [n for n in found if n >= count]
    if outside:
        raise ConfigurationError(f"DISCORD_SHARD_IDS: shard {outside[0]} does not exist with DISCORD_SHARD_COUNT={count} (shards are 0-{count - 1})")
    return tuple(sorted(set(found)))


def _shard_count() -> int | None:
    raw = os.environ.get("DISCORD_SHARD_COUNT", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigurationError(f"DISCORD_SHARD_COUNT must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def discord_env() -> dict[str, Any]:
    """``DISCORD_TOKEN``, ``DISCORD_GUILD_ID``, ``DISCORD_API_URL``, ``DISCORD_APPLICATION_ID``, ``DISCORD_SHARD_COUNT``
    and ``DISCORD_SHARD_IDS``."""
    guild = os.environ.get("DISCORD_GUILD_ID", "").strip()
    count = _shard_count()
    ids = os.environ.get("DISCORD_SHARD_IDS", "").strip()
    return {
        "discord_shard_count": count,
        "discord_shard_ids": parse_shard_ids(ids, count) if ids else None,
        "discord_token": secret_from_env("DISCORD_TOKEN"),
        "discord_guild_id": int(guild) if guild.isdigit() else None,
        "discord_api_url": os.environ.get("DISCORD_API_URL") or None,
        "discord_application_id": os.environ.get("DISCORD_APPLICATION_ID") or None,
    }

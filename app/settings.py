"""Every setting the entry points need: the core's and each adapter's, read from the environment and ``.env``."""

from __future__ import annotations

from pathlib import Path

from adapters.console.settings import ConsoleSettings, console_env
from adapters.discord.settings import DiscordSettings, discord_env
from adapters.slack.settings import SlackSettings, slack_env
from bot.config import core_env, read_env_file


class Settings(SlackSettings, DiscordSettings, ConsoleSettings):
    """The core's settings with Slack's, Discord's and the console's on top; secrets are SecretStr, never printed or logged."""


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read settings; values already in the environment win over the ``.env`` file."""
    read_env_file(env_file)
    return Settings(**core_env(), **slack_env(), **discord_env(), **console_env())

"""Settings from the environment (and an optional ``.env``). Secrets are SecretStr: never printed or logged."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, SecretStr

from bot.store.url import DatabaseUrl

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _secret(name: str) -> SecretStr | None:
    value = os.environ.get(name, "").strip()
    return SecretStr(value) if value else None


class Settings(BaseModel):
    db_path: str | None = None
    database_url: SecretStr | None = None
    """``AIPM_DATABASE_URL``: wins over ``AIPM_DB``; secret because it may carry a password."""
    content_dir: Path = PROJECT_ROOT / "content"
    content_policy: str = "course"
    default_tz: str | None = None
    port: int = 3000
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str | None = None
    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    discord_api_url: str | None = None
    discord_application_id: str | None = None

    def database(self, explicit: str | None = None) -> DatabaseUrl:
        """The database to open: ``--db`` if given, else ``AIPM_DATABASE_URL``, else ``AIPM_DB``, else the default file."""
        from bot.store.drivers import resolve_url

        url = self.database_url.get_secret_value() if self.database_url else None
        return resolve_url(explicit, url, self.db_path)

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_signing_secret and (self.slack_bot_token or self.slack_client_id)) or bool(
            self.slack_app_token and self.slack_bot_token
        )

    @property
    def discord_configured(self) -> bool:
        return self.discord_token is not None


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read settings; values already in the environment win over the ``.env`` file."""
    if env_file and Path(env_file).exists():
        from dotenv import load_dotenv

        load_dotenv(env_file, override=False)
    guild = os.environ.get("DISCORD_GUILD_ID", "").strip()
    return Settings(
        db_path=os.environ.get("AIPM_DB") or None,
        database_url=_secret("AIPM_DATABASE_URL"),
        content_dir=Path(os.environ.get("AIPM_CONTENT_DIR") or PROJECT_ROOT / "content"),
        content_policy=os.environ.get("AIPM_CONTENT_POLICY") or "course",
        default_tz=os.environ.get("AIPM_DEFAULT_TZ") or None,
        port=int(os.environ.get("PORT") or 3000),
        slack_bot_token=_secret("SLACK_BOT_TOKEN"),
        slack_signing_secret=_secret("SLACK_SIGNING_SECRET"),
        slack_app_token=_secret("SLACK_APP_TOKEN"),
        slack_client_id=os.environ.get("SLACK_CLIENT_ID") or None,
        slack_client_secret=_secret("SLACK_CLIENT_SECRET"),
        slack_api_url=os.environ.get("SLACK_API_URL") or None,
        discord_token=_secret("DISCORD_TOKEN"),
        discord_guild_id=int(guild) if guild.isdigit() else None,
        discord_api_url=os.environ.get("DISCORD_API_URL") or None,
        discord_application_id=os.environ.get("DISCORD_APPLICATION_ID") or None,
    )

"""Slack's settings: tokens, signing secret, OAuth client and the Web API address (for a local fake)."""

from __future__ import annotations

import os
from typing import Any

from pydantic import SecretStr

from bot.config import CoreSettings, secret_from_env


class SlackSettings(CoreSettings):
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str | None = None

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_signing_secret and (self.slack_bot_token or self.slack_client_id)) or bool(
            self.slack_app_token and self.slack_bot_token
        )


def slack_env() -> dict[str, Any]:
    """``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET``, ``SLACK_APP_TOKEN``, ``SLACK_CLIENT_ID``, ``SLACK_CLIENT_SECRET``, ``SLACK_API_URL``."""
    return {
        "slack_bot_token": secret_from_env("SLACK_BOT_TOKEN"),
        "slack_signing_secret": secret_from_env("SLACK_SIGNING_SECRET"),
        "slack_app_token": secret_from_env("SLACK_APP_TOKEN"),
        "slack_client_id": os.environ.get("SLACK_CLIENT_ID") or None,
        "slack_client_secret": secret_from_env("SLACK_CLIENT_SECRET"),
        "slack_api_url": os.environ.get("SLACK_API_URL") or None,
    }

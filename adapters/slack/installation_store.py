"""slack_sdk's InstallationStore and OAuthStateStore over the bot's platform-state port.

Multi-workspace installs keep each workspace's bot token next to the learners it serves, in the same
database, backup and transaction discipline, on whichever driver runs (SQLite or PostgreSQL). Each row keeps
the lookup keys as columns and the full Installation/Bot as JSON, so fields slack_sdk adds later survive a
round trip. Tokens are stored as Slack hands them over; protect the database like any other secret.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from bot.store import InstallationRecord, PlatformState

log = logging.getLogger(__name__)

STATE_TTL_SECONDS = 600


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, default=_json_default)


class SlackInstallationStore(InstallationStore):
    """Installations for one Slack app (``client_id``), newest first."""

    def __init__(self, state: PlatformState, client_id: str) -> None:
        self.state = state
        self.client_id = client_id
        self._logger = log

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    # writes -----------------------------------------------------------------------------------------
    def save(self, installation: Installation) -> None:
        team_id = None if installation.is_enterprise_install else installation.team_id
        self.state.save_installation(InstallationRecord(
            "installation", self.client_id, installation.enterprise_id, team_id, installation.user_id,
            bool(installation.is_enterprise_install), installation.installed_at, _dump(installation.to_dict_for_copying()),
        ))
        if installation.bot_token:
            self.save_bot(installation.to_bot())

    def save_bot(self, bot: Bot) -> None:
        team_id = None if bot.is_enterprise_install else bot.team_id
        self.state.save_installation(InstallationRecord(
            "bot", self.client_id, bot.enterprise_id, team_id, None, bool(bot.is_enterprise_install), bot.installed_at,
            _dump(bot.to_dict_for_copying()),
        ))

    # reads ------------------------------------------------------------------------------------------
    def find_bot(self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False) -> Bot | None:
        if is_enterprise_install:
            team_id = None
        data = self.state.newest_installation("bot", self.client_id, enterprise_id, team_id)
        return Bot(**json.loads(data)) if data else None

    def find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None, is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        if is_enterprise_install:
            team_id = None
        data = self.state.newest_installation("installation", self.client_id, enterprise_id, team_id, user_id)
        if not data:
            return None
        installation = Installation(**json.loads(data))
        if user_id is not None:
            # A user's own row may predate the latest bot install; the bot token must always be the newest.
            bot = self.find_bot(enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install)
            if bot is not None:
                installation.bot_token, installation.bot_id, installation.bot_user_id = bot.bot_token, bot.bot_id, bot.bot_user_id
                installation.bot_scopes, installation.bot_refresh_token = bot.bot_scopes, bot.bot_refresh_token
                installation.bot_token_expires_at = bot.bot_token_expires_at
        return installation

    # deletes (app_uninstalled, tokens_revoked) ------------------------------------------------------
    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.state.delete_installations("bot", self.client_id, enterprise_id, team_id)

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None) -> None:
        self.state.delete_installations("installation", self.client_id, enterprise_id, team_id, user_id)

    def bot_token(self, workspace_id: str) -> str | None:
        """The newest bot token for a workspace (or an org-wide install), for proactive posts."""
        bot = self.find_bot(enterprise_id=None, team_id=workspace_id)
        if bot is None:
            bot = self.find_bot(enterprise_id=workspace_id, team_id=None, is_enterprise_install=True)
        return bot.bot_token if bot else None


class SlackOAuthStateStore(OAuthStateStore):
    """One-time OAuth ``state`` values that expire, so a redirect can be neither forged nor replayed."""

    def __init__(self, state: PlatformState, expiration_seconds: int = STATE_TTL_SECONDS) -> None:
        self.state = state
        self.expiration_seconds = expiration_seconds
        self._logger = log

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        now = int(time.time())
        self.state.issue_oauth_state(state, now + self.expiration_seconds, now)
        return state

    def consume(self, state: str) -> bool:
        return self.state.consume_oauth_state(state, int(time.time()))

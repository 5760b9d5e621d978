"""slack_sdk's InstallationStore and OAuthStateStore over our own SQLite database.

Multi-workspace installs keep each workspace's bot token next to the learners it serves, in the same file,
backup and transaction discipline (``SqliteDatabase.write`` is an IMMEDIATE transaction). slack_sdk's own
SQLite3 stores would open a second, untuned connection to the file. Each row keeps the lookup keys as
columns and the full Installation/Bot as JSON, so fields slack_sdk adds later survive a round trip.
Tokens are stored as Slack hands them over; protect the database file like any other secret.
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

from bot.store.sqlite import SqliteDatabase

log = logging.getLogger(__name__)

STATE_TTL_SECONDS = 600


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, default=_json_default)


class SqliteInstallationStore(InstallationStore):
    """Installations for one Slack app (``client_id``), newest first."""

    def __init__(self, db: SqliteDatabase, client_id: str) -> None:
        self.db = db
        self.client_id = client_id
        self._logger = log

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    # writes -----------------------------------------------------------------------------------------
    def save(self, installation: Installation) -> None:
        team_id = None if installation.is_enterprise_install else installation.team_id
        with self.db.write() as conn:
            conn.execute(
                """INSERT INTO slack_installations (client_id, enterprise_id, team_id, user_id, is_enterprise_install, installed_at, data)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    self.client_id, installation.enterprise_id, team_id, installation.user_id,
                    int(bool(installation.is_enterprise_install)), installation.installed_at, _dump(installation.to_dict_for_copying()),
                ),
            )
        if installation.bot_token:
            self.save_bot(installation.to_bot())

    def save_bot(self, bot: Bot) -> None:
        team_id = None if bot.is_enterprise_install else bot.team_id
        with self.db.write() as conn:
            conn.execute(
                """INSERT INTO slack_bots (client_id, enterprise_id, team_id, is_enterprise_install, installed_at, data)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (self.client_id, bot.enterprise_id, team_id, int(bool(bot.is_enterprise_install)), bot.installed_at, _dump(bot.to_dict_for_copying())),
            )

    # reads ------------------------------------------------------------------------------------------
    def find_bot(self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False) -> Bot | None:
        if is_enterprise_install:
            team_id = None
        rows = self.db.query(
            """SELECT data FROM slack_bots WHERE client_id = ? AND enterprise_id IS ? AND team_id IS ?
               ORDER BY installed_at DESC, id DESC LIMIT 1""",
            (self.client_id, enterprise_id, team_id),
        )
        return Bot(**json.loads(rows[0]["data"])) if rows else None

    def find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None, is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        if is_enterprise_install:
            team_id = None
        sql = "SELECT data FROM slack_installations WHERE client_id = ? AND enterprise_id IS ? AND team_id IS ?"
        params: list[Any] = [self.client_id, enterprise_id, team_id]
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        rows = self.db.query(sql + " ORDER BY installed_at DESC, id DESC LIMIT 1", tuple(params))
        if not rows:
            return None
        installation = Installation(**json.loads(rows[0]["data"]))
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
        with self.db.write() as conn:
            conn.execute(
                "DELETE FROM slack_bots WHERE client_id = ? AND enterprise_id IS ? AND team_id IS ?", (self.client_id, enterprise_id, team_id)
            )

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None) -> None:
        sql = "DELETE FROM slack_installations WHERE client_id = ? AND enterprise_id IS ? AND team_id IS ?"
        params: list[Any] = [self.client_id, enterprise_id, team_id]
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        with self.db.write() as conn:
            conn.execute(sql, tuple(params))

    def bot_token(self, workspace_id: str) -> str | None:
        """The newest bot token for a workspace (or an org-wide install), for proactive posts."""
        bot = self.find_bot(enterprise_id=None, team_id=workspace_id)
        if bot is None:
            bot = self.find_bot(enterprise_id=workspace_id, team_id=None, is_enterprise_install=True)
        return bot.bot_token if bot else None


class SqliteOAuthStateStore(OAuthStateStore):
    """One-time OAuth ``state`` values that expire, so a redirect can be neither forged nor replayed."""

    def __init__(self, db: SqliteDatabase, expiration_seconds: int = STATE_TTL_SECONDS) -> None:
        self.db = db
        self.expiration_seconds = expiration_seconds
        self._logger = log

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        now = int(time.time())
        with self.db.write() as conn:
            conn.execute("DELETE FROM slack_oauth_states WHERE expires_at < ?", (now,))
            conn.execute("INSERT INTO slack_oauth_states (state, expires_at) VALUES (?, ?)", (state, now + self.expiration_seconds))
        return state

    def consume(self, state: str) -> bool:
        with self.db.write() as conn:
            row = conn.execute("SELECT expires_at FROM slack_oauth_states WHERE state = ?", (state,)).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM slack_oauth_states WHERE state = ?", (state,))
        return int(row[0]) >= int(time.time())

"""The platform-state port in shared SQL: OAuth installations, bots and one-time states."""

from __future__ import annotations

from typing import Any

from bot.store.drivers.sql.database import SqlDatabase
from bot.store.platform_state import InstallationKind, InstallationRecord

_TABLES: dict[InstallationKind, str] = {"installation": "slack_installations", "bot": "slack_bots"}


def _lookup(kind: InstallationKind, client_id: str, enterprise_id: str | None, team_id: str | None, user_id: str | None) -> tuple[str, list[Any]]:
    sql = "client_id = ? AND enterprise_id IS NOT DISTINCT FROM ? AND team_id IS NOT DISTINCT FROM ?"
    params: list[Any] = [client_id, enterprise_id, team_id]
    if user_id is not None and kind == "installation":
        sql += " AND user_id = ?"
        params.append(user_id)
    return sql, params


class SqlPlatformState:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    def save_installation(self, record: InstallationRecord) -> None:
        with self.db.write() as conn:
            if record.kind == "installation":
                conn.execute(
                    """INSERT INTO slack_installations (client_id, enterprise_id, team_id, user_id, is_enterprise_install, installed_at, data)
                       VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    (record.client_id, record.enterprise_id, record.team_id, record.user_id or "", int(record.is_enterprise_install),
                     record.installed_at, record.data),
                )
            else:
                conn.execute(
                    """INSERT INTO slack_bots (client_id, enterprise_id, team_id, is_enterprise_install, installed_at, data)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    (record.client_id, record.enterprise_id, record.team_id, int(record.is_enterprise_install), record.installed_at, record.data),
                )

    def newest_installation(
        self, kind: InstallationKind, client_id: str, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
    ) -> str | None:
        where, params = _lookup(kind, client_id, enterprise_id, team_id, user_id)
        rows = self.db.query(f"SELECT data FROM {_TABLES[kind]} WHERE {where} ORDER BY installed_at DESC, id DESC LIMIT 1", params)
        return str(rows[0]["data"]) if rows else None

    def delete_installations(
        self, kind: InstallationKind, client_id: str, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
    ) -> None:
        where, params = _lookup(kind, client_id, enterprise_id, team_id, user_id)
        with self.db.write() as conn:
            conn.execute(f"DELETE FROM {_TABLES[kind]} WHERE {where}", params)

    def issue_oauth_state(self, state: str, expires_at: int, now: int) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM slack_oauth_states WHERE expires_at < ?", (now,))
            conn.execute("INSERT INTO slack_oauth_states (state, expires_at) VALUES (?, ?)", (state, expires_at))

    def consume_oauth_state(self, state: str, now: int) -> bool:
        with self.db.write() as conn:
            row = conn.execute("DELETE FROM slack_oauth_states WHERE state = ? RETURNING expires_at", (state,)).fetchone()
        return row is not None and int(row[0]) >= now

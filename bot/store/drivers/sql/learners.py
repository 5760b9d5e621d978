"""Workspaces and learners in the shared SQL: who they are, their settings and their time-zone moves."""

from __future__ import annotations

from datetime import datetime

from bot.store.drivers.sql.database import SqlDatabase, from_ts, to_ts
from bot.store.drivers.sql.rows import LEARNER_FIELDS, learner_from_row
from bot.store.records import (
    Learner,
    TzChange,
    Workspace,
)


class SqlLearners:
    db: SqlDatabase

    # workspaces -------------------------------------------------------------------------------
    def ensure_workspace(self, workspace_id: str, platform: str, name: str, now: datetime) -> Workspace:
        rows = self.db.query("SELECT * FROM workspaces WHERE id = ?", (workspace_id,))
        if not rows:
            with self.db.write() as conn:
                conn.execute(
                    "INSERT INTO workspaces (id, platform, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    (workspace_id, platform, name, to_ts(now)),
                )
            rows = self.db.query("SELECT * FROM workspaces WHERE id = ?", (workspace_id,))
        row = rows[0]
        return Workspace(row["id"], row["platform"], row["name"], row["default_tz"], from_ts(row["created_at"]))

    def get_workspace(self, workspace_id: str) -> Workspace | None:
        rows = self.db.query("SELECT * FROM workspaces WHERE id = ?", (workspace_id,))
        if not rows:
            return None
        row = rows[0]
        return Workspace(row["id"], row["platform"], row["name"], row["default_tz"], from_ts(row["created_at"]))

    def set_workspace_tz(self, workspace_id: str, tz: str) -> None:
        with self.db.write() as conn:
            conn.execute("UPDATE workspaces SET default_tz = ? WHERE id = ?", (tz, workspace_id))

    # learners ---------------------------------------------------------------------------------
    def get_learner(self, workspace_id: str, user_id: str) -> Learner | None:
        rows = self.db.query("SELECT * FROM learners WHERE workspace_id = ? AND user_id = ?", (workspace_id, user_id))
        return learner_from_row(rows[0]) if rows else None

    def create_learner(self, learner: Learner) -> Learner:
        with self.db.write() as conn:
            conn.execute(
                """INSERT INTO learners (workspace_id, user_id, display_name, tz, tz_source, track,
                   daily_time, nudges, created_at, last_seen_at, desired_retention) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (workspace_id, user_id) DO NOTHING""",
                (
                    learner.workspace_id, learner.user_id, learner.display_name, learner.tz, learner.tz_source,
                    learner.track, learner.daily_time, int(learner.nudges), to_ts(learner.created_at),
                    to_ts(learner.last_seen_at), learner.desired_retention,
                ),
            )
        stored = self.get_learner(learner.workspace_id, learner.user_id)
        assert stored is not None
        return stored

    def touch_learner(self, workspace_id: str, user_id: str, display_name: str, now: datetime) -> None:
        with self.db.write() as conn:
            conn.execute(
                """UPDATE learners SET last_seen_at = ?, display_name = CASE WHEN ? = '' THEN display_name ELSE ? END
                   WHERE workspace_id = ? AND user_id = ?""",
                (to_ts(now), display_name, display_name, workspace_id, user_id),
            )

    def set_learner_tz(self, workspace_id: str, user_id: str, tz: str, source: str, now: datetime) -> None:
        with self.db.write() as conn:
            row = conn.execute(
                "SELECT tz FROM learners WHERE workspace_id = ? AND user_id = ?" + self.db.dialect.for_update, (workspace_id, user_id)
            ).fetchone()
            if row is None:
                return
            if row[0] != tz:
                conn.execute(
                    "INSERT INTO tz_changes (workspace_id, user_id, changed_at, old_tz, new_tz) VALUES (?, ?, ?, ?, ?)",
                    (workspace_id, user_id, to_ts(now), row[0], tz),
                )
            conn.execute(
                "UPDATE learners SET tz = ?, tz_source = ? WHERE workspace_id = ? AND user_id = ?",
                (tz, source, workspace_id, user_id),
            )

    def set_learner_field(self, workspace_id: str, user_id: str, field: str, value: str | bool | float) -> None:
        if field not in LEARNER_FIELDS:
            raise ValueError(f"unknown learner field {field}")
        stored = int(value) if isinstance(value, bool) else value
        with self.db.write() as conn:
            conn.execute(
                f"UPDATE learners SET {field} = ? WHERE workspace_id = ? AND user_id = ?",
                (stored, workspace_id, user_id),
            )

    def tz_changes(self, workspace_id: str, user_id: str) -> list[TzChange]:
        rows = self.db.query(
            "SELECT changed_at, old_tz, new_tz FROM tz_changes WHERE workspace_id = ? AND user_id = ? ORDER BY changed_at",
            (workspace_id, user_id),
        )
        return [TzChange(from_ts(r["changed_at"]), r["old_tz"], r["new_tz"]) for r in rows]

    def list_learners(self, workspace_id: str) -> list[Learner]:
        rows = self.db.query("SELECT * FROM learners WHERE workspace_id = ? ORDER BY user_id", (workspace_id,))
        return [learner_from_row(r) for r in rows]

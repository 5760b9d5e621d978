"""The Repository in the SQL every driver speaks, over a driver's :class:`SqlDatabase`.

Each write is one transaction (``db.write()``); nested in a caller's transaction it is a savepoint, so a
request applied together with its intake mark commits or rolls back as one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.store.drivers.sql.answers import SqlAnswers
from bot.store.drivers.sql.database import SqlDatabase, from_ts, lock_learner, shard_of, to_ts
from bot.store.drivers.sql.item_analysis import SqlItemAnalysis
from bot.store.drivers.sql.learners import SqlLearners
from bot.store.drivers.sql.reports import SqlReports
from bot.store.drivers.sql.rows import instance_from_row, subscription_from_row
from bot.store.drivers.sql.team import TeamQueries
from bot.store.drivers.sql.tuning import SqlTuning
from bot.store.drivers.sql.workspace_content import SqlWorkspaceContent
from bot.store.records import (
    ActivityDay,
    AnswerRow,
    CardState,
    LeaderRow,
    LearnerExport,
    Subscription,
    TipView,
)


class SqlRepository(SqlLearners, SqlAnswers, SqlItemAnalysis, TeamQueries, SqlTuning, SqlReports, SqlWorkspaceContent):
    """The Repository over any driver's database: learners, answers, item analysis, the team snapshot, FSRS
    tuning, question reports and a workspace's own content each in their own module; here ranking,
    subscriptions and the whole of one learner, which reads every module's tables."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    # activity and ranking ---------------------------------------------------------------------
    def activity(self, workspace_id: str, user_id: str) -> list[ActivityDay]:
        rows = self.db.query(
            "SELECT local_date, answered, correct FROM activity WHERE workspace_id = ? AND user_id = ? ORDER BY local_date",
            (workspace_id, user_id),
        )
        return [ActivityDay(date.fromisoformat(r["local_date"]), r["answered"], r["correct"]) for r in rows]

    def leaderboard(self, workspace_id: str, since: datetime | None, until: datetime | None, limit: int) -> list[LeaderRow]:
        clauses = ["a.workspace_id = ?"]
        params: list[Any] = [workspace_id]
        if since is not None:
            clauses.append("a.answered_at >= ?")
            params.append(to_ts(since))
        if until is not None:
            clauses.append("a.answered_at < ?")
            params.append(to_ts(until))
        params.append(limit)
        rows = self.db.query(
            f"""SELECT a.user_id, MAX(COALESCE(l.display_name, a.user_id)) AS display_name, SUM(a.points) AS points,
                       COUNT(*) AS answered, SUM(a.correct) AS correct, MIN(a.id) AS first_answer
                FROM answers a LEFT JOIN learners l ON l.workspace_id = a.workspace_id AND l.user_id = a.user_id
                WHERE {' AND '.join(clauses)}
                GROUP BY a.user_id ORDER BY points DESC, first_answer ASC, a.user_id ASC LIMIT ?""",
            tuple(params),
        )
        return [LeaderRow(r["user_id"], r["display_name"] or r["user_id"], r["points"], r["answered"], r["correct"]) for r in rows]

    def points_between(self, workspace_id: str, user_id: str, since: datetime, until: datetime) -> int:
        rows = self.db.query(
            "SELECT COALESCE(SUM(points), 0) AS points FROM answers WHERE workspace_id = ? AND user_id = ? AND answered_at >= ? AND answered_at < ?",
            (workspace_id, user_id, to_ts(since), to_ts(until)),
        )
        return int(rows[0]["points"])

    # subscriptions ----------------------------------------------------------------------------
    def upsert_subscription(self, subscription: Subscription) -> Subscription:
        s = subscription
        with self.db.write() as conn:
            conn.execute(
                """INSERT INTO subscriptions (workspace_id, platform, channel_id, kind, user_id, local_time, tz, days,
                     track, active, next_due_at, path_day, created_by, created_at, shard)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)
                   ON CONFLICT (workspace_id, channel_id, kind) DO UPDATE SET
                     local_time = excluded.local_time, tz = excluded.tz, days = excluded.days, track = excluded.track,
                     active = 1, next_due_at = excluded.next_due_at, user_id = excluded.user_id""",
                (
                    s.workspace_id, s.platform, s.channel_id, s.kind, s.user_id, s.local_time, s.tz, s.days, s.track,
                    to_ts(s.next_due_at) if s.next_due_at else None, s.path_day, s.created_by, to_ts(s.created_at),
                    shard_of(s.workspace_id),
                ),
            )
        stored = self.get_subscription(s.workspace_id, s.channel_id, s.kind)
        assert stored is not None
        return stored

    def get_subscription(self, workspace_id: str, channel_id: str, kind: str) -> Subscription | None:
        rows = self.db.query(
            "SELECT * FROM subscriptions WHERE workspace_id = ? AND channel_id = ? AND kind = ?",
            (workspace_id, channel_id, kind),
        )
        return subscription_from_row(rows[0]) if rows else None

    def deactivate_subscription(self, workspace_id: str, channel_id: str, kind: str) -> bool:
        with self.db.write() as conn:
            cursor = conn.execute(
                "UPDATE subscriptions SET active = 0 WHERE workspace_id = ? AND channel_id = ? AND kind = ? AND active = 1",
                (workspace_id, channel_id, kind),
            )
            return cursor.rowcount > 0

    def list_subscriptions(self, workspace_id: str) -> list[Subscription]:
        rows = self.db.query("SELECT * FROM subscriptions WHERE workspace_id = ? ORDER BY id", (workspace_id,))
        return [subscription_from_row(r) for r in rows]

    # the whole of one learner (forget-me and export read every module's tables) ------------------
    def delete_learner(self, workspace_id: str, user_id: str) -> int:
        removed = 0
        with self.db.write() as conn:
            for table, column in (
                ("answers", "user_id"), ("cards", "user_id"), ("activity", "user_id"), ("tip_views", "user_id"),
                ("tz_changes", "user_id"), ("quiz_instances", "owner_user_id"), ("reports", "user_id"), ("learners", "user_id"),
            ):
                cursor = conn.execute(
                    f"DELETE FROM {table} WHERE workspace_id = ? AND {column} = ?",
                    (workspace_id, user_id),
                )
                removed += cursor.rowcount
            cursor = conn.execute(
                "DELETE FROM subscriptions WHERE workspace_id = ? AND kind IN ('dm', 'report') AND user_id = ?", (workspace_id, user_id)
            )
            removed += cursor.rowcount
            # A channel's daily post stays (it is the channel's), but not who set it up: no notice names them again.
            conn.execute("UPDATE subscriptions SET created_by = '' WHERE workspace_id = ? AND created_by = ?", (workspace_id, user_id))
            conn.execute(
                "UPDATE delivery_notices SET admin_user_id = NULL WHERE workspace_id = ? AND admin_user_id = ?", (workspace_id, user_id)
            )
            removed += self.forget_importer(conn, workspace_id, user_id)
        return removed

    def export_learner(self, workspace_id: str, user_id: str) -> LearnerExport | None:
        """Read in one transaction holding the learner's lock, so an answer landing meanwhile is in every part
        of the export (answer, card, activity day) or in none; the filters are ``delete_learner``'s."""
        key = (workspace_id, user_id)
        with self.db.write() as conn:
            lock_learner(conn, self.db.dialect, workspace_id, user_id)
            learner = self.get_learner(*key)
            if learner is None:
                return None
            answers = self.db.query(
                """SELECT instance_id, question_id, letter, correct, points, answered_at, local_date FROM answers
                   WHERE workspace_id = ? AND user_id = ? ORDER BY answered_at, id""", key,
            )
            quizzes = self.db.query(
                f"""SELECT * FROM quiz_instances WHERE workspace_id = ? AND owner_user_id = ?
                    ORDER BY created_at, {self.db.dialect.insertion_order}""", key,
            )
            tips = self.db.query(
                "SELECT tip_id, shown_at FROM tip_views WHERE workspace_id = ? AND user_id = ? ORDER BY shown_at, tip_id", key,
            )
            cards = self.db.query(
                """SELECT question_id, state, due_at, reps, lapses, last_correct FROM cards
                   WHERE workspace_id = ? AND user_id = ? ORDER BY question_id""", key,
            )
            subscriptions = self.db.query(
                "SELECT * FROM subscriptions WHERE workspace_id = ? AND (kind IN ('dm', 'report') AND user_id = ? OR created_by = ?)"
                " ORDER BY id", (*key, user_id),
            )
            return LearnerExport(
                learner=learner,
                answers=tuple(
                    AnswerRow(r["instance_id"], r["question_id"], r["letter"], bool(r["correct"]), r["points"],
                              from_ts(r["answered_at"]), date.fromisoformat(r["local_date"]))
                    for r in answers
                ),
                quizzes=tuple(instance_from_row(r) for r in quizzes),
                tips=tuple(TipView(r["tip_id"], from_ts(r["shown_at"])) for r in tips),
                activity=tuple(self.activity(*key)),
                tz_changes=tuple(self.tz_changes(*key)),
                cards=tuple(
                    CardState(r["question_id"], r["state"], from_ts(r["due_at"]), r["reps"], r["lapses"], bool(r["last_correct"]))
                    for r in cards
                ),
                subscriptions=tuple(subscription_from_row(r) for r in subscriptions),
                reports=tuple(self.learner_reports(*key)),
            )

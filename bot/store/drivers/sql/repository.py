"""The Repository in the SQL every driver speaks, over a driver's :class:`SqlDatabase`.

Each write is one transaction (``db.write()``); nested in a caller's transaction it is a savepoint, so a
request applied together with its intake mark commits or rolls back as one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from bot.reviews import ScheduledCard
from bot.store.drivers.sql.database import Row, SqlDatabase, from_ts, lock_learner, shard_of, to_ts
from bot.store.drivers.sql.item_analysis import SqlItemAnalysis
from bot.store.drivers.sql.reports import SqlReports
from bot.store.drivers.sql.team import TeamQueries
from bot.store.drivers.sql.tuning import SqlTuning
from bot.store.drivers.sql.workspace_content import SqlWorkspaceContent
from bot.store.records import (
    ActivityDay,
    AnswerRow,
    AnswerWrite,
    CardRow,
    CardState,
    LeaderRow,
    Learner,
    LearnerExport,
    QuizInstance,
    Subscription,
    TipView,
    TzChange,
    Workspace,
)

_LEARNER_FIELDS = {"track", "daily_time", "nudges", "display_name", "desired_retention"}


def _learner(row: Row) -> Learner:
    return Learner(
        workspace_id=row["workspace_id"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        tz=row["tz"],
        tz_source=row["tz_source"],
        track=row["track"],
        daily_time=row["daily_time"],
        nudges=bool(row["nudges"]),
        created_at=from_ts(row["created_at"]),
        last_seen_at=from_ts(row["last_seen_at"]),
        desired_retention=float(row["desired_retention"]),
    )


def _instance(row: Row) -> QuizInstance:
    return QuizInstance(
        id=row["id"],
        workspace_id=row["workspace_id"],
        question_id=row["question_id"],
        owner_user_id=row["owner_user_id"],
        channel_id=row["channel_id"],
        origin=row["origin"],
        created_at=from_ts(row["created_at"]),
    )


def _card(row: Row) -> CardRow:
    return CardRow(
        question_id=row["question_id"],
        due_at=from_ts(row["due_at"]),
        reps=row["reps"],
        lapses=row["lapses"],
        last_correct=bool(row["last_correct"]),
    )


def subscription_from_row(row: Row) -> Subscription:
    return Subscription(
        id=row["id"],
        workspace_id=row["workspace_id"],
        platform=row["platform"],
        channel_id=row["channel_id"],
        kind=row["kind"],
        user_id=row["user_id"],
        local_time=row["local_time"],
        tz=row["tz"],
        days=row["days"],
        track=row["track"],
        active=bool(row["active"]),
        next_due_at=from_ts(row["next_due_at"]) if row["next_due_at"] is not None else None,
        created_by=row["created_by"],
        created_at=from_ts(row["created_at"]),
        path_day=row["path_day"],
    )


class SqlRepository(SqlItemAnalysis, TeamQueries, SqlTuning, SqlReports, SqlWorkspaceContent):
    """The Repository over any driver's database (item analysis, the team snapshot, FSRS tuning, question reports
    and a workspace's own content in their own modules)."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

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
        return _learner(rows[0]) if rows else None

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
        if field not in _LEARNER_FIELDS:
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
                "SELECT * FROM subscriptions WHERE workspace_id = ? AND kind IN ('dm', 'report') AND user_id = ? ORDER BY id", key,
            )
            return LearnerExport(
                learner=learner,
                answers=tuple(
                    AnswerRow(r["instance_id"], r["question_id"], r["letter"], bool(r["correct"]), r["points"],
                              from_ts(r["answered_at"]), date.fromisoformat(r["local_date"]))
                    for r in answers
                ),
                quizzes=tuple(_instance(r) for r in quizzes),
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

    def list_learners(self, workspace_id: str) -> list[Learner]:
        rows = self.db.query("SELECT * FROM learners WHERE workspace_id = ? ORDER BY user_id", (workspace_id,))
        return [_learner(r) for r in rows]

    # quizzes and answers ----------------------------------------------------------------------
    def create_quiz_instance(self, instance: QuizInstance) -> None:
        with self.db.write() as conn:
            conn.execute(
                """INSERT INTO quiz_instances (id, workspace_id, question_id, owner_user_id, channel_id, origin, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    instance.id, instance.workspace_id, instance.question_id, instance.owner_user_id,
                    instance.channel_id, instance.origin, to_ts(instance.created_at),
                ),
            )

    def get_quiz_instance(self, workspace_id: str, instance_id: str) -> QuizInstance | None:
        rows = self.db.query(
            "SELECT * FROM quiz_instances WHERE id = ? AND workspace_id = ?", (instance_id, workspace_id)
        )
        return _instance(rows[0]) if rows else None

    def latest_open_quiz(self, workspace_id: str, user_id: str) -> QuizInstance | None:
        rows = self.db.query(
            f"""SELECT q.* FROM quiz_instances q
               WHERE q.workspace_id = ? AND q.owner_user_id = ?
               ORDER BY q.created_at DESC, q.{self.db.dialect.insertion_order} DESC LIMIT 1""",
            (workspace_id, user_id),
        )
        return _instance(rows[0]) if rows else None

    def get_answer_letter(self, workspace_id: str, instance_id: str, user_id: str) -> str | None:
        rows = self.db.query(
            "SELECT letter FROM answers WHERE workspace_id = ? AND instance_id = ? AND user_id = ?",
            (workspace_id, instance_id, user_id),
        )
        return str(rows[0]["letter"]) if rows else None

    def record_answer(self, answer: AnswerWrite, schedule: Callable[[str | None], ScheduledCard]) -> bool:
        """Answer, FSRS card, activity day and points in one transaction; False if already answered.

        The learner's lock makes the card's read-schedule-write one step: two answers of one learner at once
        (two devices, two processes) schedule from each other's result, never from the same old state.
        """
        with self.db.write() as conn:
            lock_learner(conn, self.db.dialect, answer.workspace_id, answer.user_id)
            # One round trip: the answer goes in and, if it was new, brings back the card state it schedules from.
            inserted = conn.execute(
                """INSERT INTO answers (workspace_id, instance_id, user_id, question_id, letter, correct,
                   points, answered_at, local_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (instance_id, user_id) DO NOTHING
                   RETURNING (SELECT state FROM cards c WHERE c.workspace_id = ? AND c.user_id = ? AND c.question_id = ?)""",
                (
                    answer.workspace_id, answer.instance_id, answer.user_id, answer.question_id, answer.letter,
                    int(answer.correct), answer.points, to_ts(answer.answered_at), answer.local_date.isoformat(),
                    answer.workspace_id, answer.user_id, answer.question_id,
                ),
            ).fetchone()
            if inserted is None:
                return False
            card = schedule(inserted[0])
            conn.execute(
                """INSERT INTO cards (workspace_id, user_id, question_id, state, due_at, reps, lapses, last_correct)
                   VALUES (?, ?, ?, ?, ?, 1, ?, ?)
                   ON CONFLICT (workspace_id, user_id, question_id) DO UPDATE SET
                     state = excluded.state, due_at = excluded.due_at, reps = cards.reps + 1,
                     lapses = cards.lapses + excluded.lapses, last_correct = excluded.last_correct""",
                (
                    answer.workspace_id, answer.user_id, answer.question_id, card.state_json, to_ts(card.due_at),
                    0 if answer.correct else 1, int(answer.correct),
                ),
            )
            conn.execute(
                """INSERT INTO activity (workspace_id, user_id, local_date, answered, correct) VALUES (?, ?, ?, 1, ?)
                   ON CONFLICT (workspace_id, user_id, local_date) DO UPDATE SET
                     answered = activity.answered + 1, correct = activity.correct + excluded.correct""",
                (answer.workspace_id, answer.user_id, answer.local_date.isoformat(), int(answer.correct)),
            )
        return True

    def answered_question_ids(self, workspace_id: str, user_id: str) -> set[str]:
        rows = self.db.query(
            "SELECT question_id FROM cards WHERE workspace_id = ? AND user_id = ?", (workspace_id, user_id)
        )
        return {r["question_id"] for r in rows}

    def answer_counts_by_question(self, workspace_id: str, user_id: str) -> list[tuple[str, int, int]]:
        rows = self.db.query(
            """SELECT question_id, COUNT(*) AS answered, SUM(correct) AS correct FROM answers
               WHERE workspace_id = ? AND user_id = ? GROUP BY question_id""",
            (workspace_id, user_id),
        )
        return [(r["question_id"], r["answered"], r["correct"] or 0) for r in rows]

    # tips -------------------------------------------------------------------------------------
    def seen_tip_ids(self, workspace_id: str, user_id: str) -> set[str]:
        rows = self.db.query("SELECT tip_id FROM tip_views WHERE workspace_id = ? AND user_id = ?", (workspace_id, user_id))
        return {r["tip_id"] for r in rows}

    def record_tip_view(self, workspace_id: str, user_id: str, tip_id: str, now: datetime) -> None:
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO tip_views (workspace_id, user_id, tip_id, shown_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (workspace_id, user_id, tip_id, to_ts(now)),
            )

    def last_tip_id(self, workspace_id: str, user_id: str) -> str | None:
        rows = self.db.query(
            "SELECT tip_id FROM tip_views WHERE workspace_id = ? AND user_id = ? ORDER BY shown_at DESC LIMIT 1",
            (workspace_id, user_id),
        )
        return str(rows[0]["tip_id"]) if rows else None

    # reviews ----------------------------------------------------------------------------------
    def due_cards(self, workspace_id: str, user_id: str, now: datetime, limit: int) -> list[CardRow]:
        rows = self.db.query(
            """SELECT question_id, due_at, reps, lapses, last_correct FROM cards
               WHERE workspace_id = ? AND user_id = ? AND due_at <= ? ORDER BY due_at, question_id LIMIT ?""",
            (workspace_id, user_id, to_ts(now), limit),
        )
        return [_card(r) for r in rows]

    def count_due(self, workspace_id: str, user_id: str, now: datetime) -> int:
        rows = self.db.query(
            "SELECT COUNT(*) AS n FROM cards WHERE workspace_id = ? AND user_id = ? AND due_at <= ?",
            (workspace_id, user_id, to_ts(now)),
        )
        return int(rows[0]["n"])

    def next_card(self, workspace_id: str, user_id: str) -> CardRow | None:
        rows = self.db.query(
            """SELECT question_id, due_at, reps, lapses, last_correct FROM cards
               WHERE workspace_id = ? AND user_id = ? ORDER BY due_at, question_id LIMIT 1""",
            (workspace_id, user_id),
        )
        return _card(rows[0]) if rows else None

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

"""Question reports in shared SQL: one per learner and question, open until an admin resolves them.

A mixin the repository composes (it needs only ``self.db``). The unique key (workspace, question, learner)
makes "once per learner per question" one conditional insert, so a double click or two processes racing
store one report. Pausing is computed, never stored: a question is paused in a workspace while enough
distinct learners there have an open report on it, so resolving (or a reporter's forget-me) unpauses it
without a second record to keep in step.
"""

from __future__ import annotations

from datetime import datetime

from bot.store.drivers.sql.database import Row, SqlDatabase, from_ts, to_ts
from bot.store.records import Report


def _report(row: Row) -> Report:
    return Report(
        id=int(row["id"]), workspace_id=row["workspace_id"], user_id=row["user_id"], question_id=row["question_id"],
        reason=row["reason"], text=row["text"], created_at=from_ts(row["created_at"]),
        resolved_at=from_ts(row["resolved_at"]) if row["resolved_at"] is not None else None, resolution=row["resolution"],
    )


class SqlReports:
    db: SqlDatabase

    def add_report(self, workspace_id: str, user_id: str, question_id: str, reason: str, text: str, now: datetime) -> tuple[Report, bool]:
        with self.db.write() as conn:
            created = conn.execute(
                """INSERT INTO reports (workspace_id, user_id, question_id, reason, text, created_at) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (workspace_id, question_id, user_id) DO NOTHING RETURNING id""",
                (workspace_id, user_id, question_id, reason, text, to_ts(now)),
            ).fetchone()
            rows = self.db.query(
                "SELECT * FROM reports WHERE workspace_id = ? AND question_id = ? AND user_id = ?", (workspace_id, question_id, user_id),
            )
        return _report(rows[0]), created is not None

    def get_report(self, workspace_id: str, report_id: int) -> Report | None:
        rows = self.db.query("SELECT * FROM reports WHERE workspace_id = ? AND id = ?", (workspace_id, report_id))
        return _report(rows[0]) if rows else None

    def list_reports(self, workspace_id: str | None, open_only: bool = True) -> list[Report]:
        where, params = ("WHERE workspace_id = ?", [workspace_id]) if workspace_id is not None else ("WHERE 1 = 1", [])
        if open_only:
            where += " AND resolved_at IS NULL"
        rows = self.db.query(f"SELECT * FROM reports {where} ORDER BY workspace_id, question_id, created_at, id", params)
        return [_report(r) for r in rows]

    def learner_reports(self, workspace_id: str, user_id: str) -> list[Report]:
        rows = self.db.query("SELECT * FROM reports WHERE workspace_id = ? AND user_id = ? ORDER BY created_at, id", (workspace_id, user_id))
        return [_report(r) for r in rows]

    def resolve_reports(self, workspace_id: str, question_id: str, resolution: str, now: datetime) -> int:
        with self.db.write() as conn:
            cursor = conn.execute(
                """UPDATE reports SET resolved_at = ?, resolution = ?
                   WHERE workspace_id = ? AND question_id = ? AND resolved_at IS NULL""",
                (to_ts(now), resolution, workspace_id, question_id),
            )
            return cursor.rowcount

    def paused_question_ids(self, workspace_id: str, threshold: int) -> set[str]:
        rows = self.db.query(
            """SELECT question_id FROM reports WHERE workspace_id = ? AND resolved_at IS NULL
               GROUP BY question_id HAVING COUNT(DISTINCT user_id) >= ?""",
            (workspace_id, threshold),
        )
        return {r["question_id"] for r in rows}

    def report_counts(self, workspace_id: str | None) -> dict[str, int]:
        where, params = ("WHERE workspace_id = ?", (workspace_id,)) if workspace_id is not None else ("", ())
        rows = self.db.query(f"SELECT question_id, COUNT(*) AS n FROM reports {where} GROUP BY question_id", params)
        return {r["question_id"]: int(r["n"]) for r in rows}

    def last_answered_question_id(self, workspace_id: str, user_id: str) -> str | None:
        rows = self.db.query(
            "SELECT question_id FROM answers WHERE workspace_id = ? AND user_id = ? ORDER BY answered_at DESC, id DESC LIMIT 1",
            (workspace_id, user_id),
        )
        return str(rows[0]["question_id"]) if rows else None

    def has_answered(self, workspace_id: str, user_id: str, question_id: str) -> bool:
        rows = self.db.query(
            "SELECT 1 FROM answers WHERE workspace_id = ? AND user_id = ? AND question_id = ? LIMIT 1", (workspace_id, user_id, question_id),
        )
        return bool(rows)

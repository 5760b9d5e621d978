"""Quizzes, answers, tips and review cards in the shared SQL: what a learner was asked, how they answered,
what they read, and what is due.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.reviews import ScheduledCard
from bot.store.drivers.sql.database import SqlDatabase, lock_learner, to_ts
from bot.store.drivers.sql.rows import card_from_row, instance_from_row
from bot.store.records import (
    AnswerWrite,
    CardRow,
    QuizInstance,
)


class SqlAnswers:
    db: SqlDatabase

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
        return instance_from_row(rows[0]) if rows else None

    def latest_open_quiz(self, workspace_id: str, user_id: str) -> QuizInstance | None:
        rows = self.db.query(
            f"""SELECT q.* FROM quiz_instances q
               WHERE q.workspace_id = ? AND q.owner_user_id = ?
               ORDER BY q.created_at DESC, q.{self.db.dialect.insertion_order} DESC LIMIT 1""",
            (workspace_id, user_id),
        )
        return instance_from_row(rows[0]) if rows else None

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
        return [card_from_row(r) for r in rows]

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
        return card_from_row(rows[0]) if rows else None

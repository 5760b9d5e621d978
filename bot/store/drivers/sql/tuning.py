"""FSRS tuning in the SQL every driver speaks: a workspace's fitted parameters, its review log, and rescheduling.

``SqlRepository`` composes this mixin. Rescheduling goes in batches, each one transaction that holds the
learners' locks (taken in sorted order, so two batches never wait on each other in a cycle): an answer
landing meanwhile is either before the batch read its history or after the batch wrote its card, never
lost between the two.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date

from bot.reviews import ScheduledCard
from bot.store.drivers.sql.database import Row, SqlDatabase, from_ts, lock_learner, to_ts
from bot.store.records import AnswerRow, CardKey, FittedParameters, LearnerAnswers, Workspace

Reschedule = Callable[[float, Sequence[AnswerRow]], ScheduledCard]
"""``(the learner's desired retention, the card's answers oldest first) -> the card as if always scheduled so``."""

_ANSWER_COLUMNS = "instance_id, question_id, letter, correct, points, answered_at, local_date"


def answer_from_row(row: Row) -> AnswerRow:
    return AnswerRow(row["instance_id"], row["question_id"], row["letter"], bool(row["correct"]), row["points"],
                     from_ts(row["answered_at"]), date.fromisoformat(row["local_date"]))


class SqlTuning:
    """The tuning half of the Repository: what ``aipm reviews optimize`` and the scheduler read and write."""

    db: SqlDatabase

    def list_workspaces(self, limit: int) -> list[Workspace]:
        rows = self.db.query("SELECT * FROM workspaces ORDER BY id LIMIT ?", (limit,))
        return [Workspace(r["id"], r["platform"], r["name"], r["default_tz"], from_ts(r["created_at"])) for r in rows]

    def get_fsrs_parameters(self, workspace_id: str) -> FittedParameters | None:
        rows = self.db.query("SELECT parameters, reviews, fitted_at FROM fsrs_parameters WHERE workspace_id = ?", (workspace_id,))
        if not rows:
            return None
        row = rows[0]
        return FittedParameters(tuple(float(p) for p in json.loads(row["parameters"])), int(row["reviews"]), from_ts(row["fitted_at"]))

    def set_fsrs_parameters(self, workspace_id: str, fitted: FittedParameters) -> None:
        with self.db.write() as conn:
            conn.execute(
                """INSERT INTO fsrs_parameters (workspace_id, parameters, reviews, fitted_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (workspace_id) DO UPDATE SET
                     parameters = excluded.parameters, reviews = excluded.reviews, fitted_at = excluded.fitted_at""",
                (workspace_id, json.dumps(list(fitted.parameters)), fitted.reviews, to_ts(fitted.fitted_at)),
            )

    def workspace_answers(self, workspace_id: str) -> list[LearnerAnswers]:
        """Every learner's answers, oldest first per learner, in user id order: the workspace's review log."""
        rows = self.db.query(
            f"SELECT user_id, {_ANSWER_COLUMNS} FROM answers WHERE workspace_id = ? ORDER BY user_id, answered_at, id", (workspace_id,),
        )
        grouped: dict[str, list[AnswerRow]] = {}
        for row in rows:
            grouped.setdefault(row["user_id"], []).append(answer_from_row(row))
        return [LearnerAnswers(user, tuple(answers)) for user, answers in grouped.items()]

    def card_keys(self, workspace_id: str, after: CardKey | None, limit: int) -> list[CardKey]:
        """The workspace's cards in (user, question) order, the ``limit`` after ``after``: keyset pages for batches."""
        start = "" if after is None else " AND (user_id > ? OR (user_id = ? AND question_id > ?))"
        params = (workspace_id,) + (() if after is None else (after.user_id, after.user_id, after.question_id)) + (limit,)
        rows = self.db.query(
            f"SELECT user_id, question_id FROM cards WHERE workspace_id = ?{start} ORDER BY user_id, question_id LIMIT ?", params,
        )
        return [CardKey(r["user_id"], r["question_id"]) for r in rows]

    def reschedule_cards(self, workspace_id: str, keys: Sequence[CardKey], reschedule: Reschedule) -> int:
        """Replace each card's FSRS state and due time by ``reschedule`` of its answers, in one transaction;
        the number of cards rewritten (a card whose learner or answers are gone meanwhile is left alone)."""
        rewritten = 0
        with self.db.write() as conn:
            users = sorted({key.user_id for key in keys})
            for user in users:
                lock_learner(conn, self.db.dialect, workspace_id, user)
            retention = {
                r["user_id"]: float(r["desired_retention"])
                for user in users
                for r in self.db.query("SELECT user_id, desired_retention FROM learners WHERE workspace_id = ? AND user_id = ?", (workspace_id, user))
            }
            for key in keys:
                answers = [answer_from_row(r) for r in self.db.query(
                    f"""SELECT {_ANSWER_COLUMNS} FROM answers WHERE workspace_id = ? AND user_id = ? AND question_id = ?
                        ORDER BY answered_at, id""", (workspace_id, key.user_id, key.question_id),
                )]
                if key.user_id not in retention or not answers:
                    continue
                card = reschedule(retention[key.user_id], answers)
                cursor = conn.execute(
                    "UPDATE cards SET state = ?, due_at = ? WHERE workspace_id = ? AND user_id = ? AND question_id = ?",
                    (card.state_json, to_ts(card.due_at), workspace_id, key.user_id, key.question_id),
                )
                rewritten += cursor.rowcount
        return rewritten

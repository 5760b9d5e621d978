"""The answers item analysis reads: each learner's first attempt at each question, in one query."""

from __future__ import annotations

from collections.abc import Iterator

from bot.store.drivers.sql.database import SqlDatabase
from bot.store.records import FirstAttempt

# ROW_NUMBER() is standard SQL on both drivers (SQLite 3.25+): one pass over the answers, partitioned by
# learner and question, earliest first; the answer id breaks a tie within the same second.
_FIRST_ATTEMPTS = """
    SELECT workspace_id, user_id, question_id, letter, correct FROM (
        SELECT workspace_id, user_id, question_id, letter, correct,
               ROW_NUMBER() OVER (PARTITION BY workspace_id, user_id, question_id ORDER BY answered_at, id) AS attempt
        FROM answers{where}
    ) AS ranked
    WHERE attempt = 1
"""


class SqlItemAnalysis:
    """Mixed into the SQL repository: the read item analysis needs, kept out of the repository's own module."""

    db: SqlDatabase

    def first_attempts(self, workspace_id: str | None) -> Iterator[FirstAttempt]:
        if workspace_id is None:
            rows = self.db.query(_FIRST_ATTEMPTS.format(where=""))
        else:
            rows = self.db.query(_FIRST_ATTEMPTS.format(where=" WHERE workspace_id = ?"), (workspace_id,))
        for row in rows:
            yield FirstAttempt(row[0], row[1], row[2], row[3], bool(row[4]))

"""The team report's one read: a workspace's learning with its learners turned into numbers.

Ids and names stay in here: the snapshot numbers learners by position (in user id order, which means nothing
outside this read), so the code that builds the team's figures never holds who is who and cannot print it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.store.drivers.sql.database import SqlDatabase, from_ts, to_ts
from bot.store.records import TeamAnswers, TeamCard, TeamMember, TeamSnapshot, TzChange


class TeamQueries:
    """Mixed into the SQL repository: ``team_snapshot``, every query scoped to the one workspace."""

    db: SqlDatabase

    def team_snapshot(self, workspace_id: str, weeks: Sequence[tuple[datetime, datetime]]) -> TeamSnapshot:
        key = (workspace_id,)
        learners = self.db.query(
            """SELECT l.user_id, l.tz FROM learners l
               WHERE l.workspace_id = ? AND EXISTS (SELECT 1 FROM answers a WHERE a.workspace_id = l.workspace_id AND a.user_id = l.user_id)
               ORDER BY l.user_id""", key,
        )
        number = {row["user_id"]: index for index, row in enumerate(learners)}
        days: dict[str, list[date]] = {user: [] for user in number}
        for row in self.db.query("SELECT user_id, local_date FROM activity WHERE workspace_id = ? AND answered > 0 ORDER BY user_id, local_date", key):
            if row["user_id"] in days:
                days[row["user_id"]].append(date.fromisoformat(row["local_date"]))
        moves: dict[str, list[TzChange]] = {user: [] for user in number}
        for row in self.db.query("SELECT user_id, changed_at, old_tz, new_tz FROM tz_changes WHERE workspace_id = ? ORDER BY changed_at", key):
            if row["user_id"] in moves:
                moves[row["user_id"]].append(TzChange(from_ts(row["changed_at"]), row["old_tz"], row["new_tz"]))
        members = tuple(TeamMember(row["tz"], tuple(days[row["user_id"]]), tuple(moves[row["user_id"]])) for row in learners)
        active = tuple(
            int(self.db.query(
                "SELECT COUNT(DISTINCT user_id) AS n FROM answers WHERE workspace_id = ? AND answered_at >= ? AND answered_at < ?",
                (workspace_id, to_ts(since), to_ts(until)),
            )[0]["n"])
            for since, until in weeks
        )
        answers = tuple(
            TeamAnswers(number[row["user_id"]], row["question_id"], int(row["n"]), int(row["ok"]))
            for row in self.db.query(
                """SELECT user_id, question_id, COUNT(*) AS n, SUM(correct) AS ok FROM answers WHERE workspace_id = ?
                   GROUP BY user_id, question_id ORDER BY user_id, question_id""", key,
            )
            if row["user_id"] in number
        )
        cards = tuple(
            TeamCard(number[row["user_id"]], row["question_id"], row["state"])
            for row in self.db.query("SELECT user_id, question_id, state FROM cards WHERE workspace_id = ? ORDER BY user_id, question_id", key)
            if row["user_id"] in number
        )
        return TeamSnapshot(members, active, answers, cards)

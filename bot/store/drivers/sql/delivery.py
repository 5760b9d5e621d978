"""The DeliveryStore in shared SQL, over the same database as the repository.

Every write is one transaction. Nothing relies on the database serialising whole transactions: the lease
is taken by one conditional upsert, a claim's compare-and-set on ``next_due_at`` decides which sweeper plans
a post, and starting a send locks the outbox row and reads the lease under a share lock, so a sweeper whose
lease was taken over cannot start a post the new holder also starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.store.delivery_store import (
    OPEN_STATUSES,
    Claim,
    DueTimer,
    OutboxDraft,
    OutboxRow,
)
from bot.store.drivers.sql.database import SqlDatabase, Transaction, from_ts, partition_filter, placeholders, shard_of, to_ts
from bot.store.drivers.sql.leases import SqlLeases
from bot.store.drivers.sql.outbox import FINISHED, SqlOutboxSending, draft_row
from bot.store.drivers.sql.rows import subscription_from_row
from bot.store.records import Subscription


class SqlDeliveryStore(SqlLeases, SqlOutboxSending):
    """Planning and reading here; the lease in ``leases.py``, sending in ``outbox.py``."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    # planning ---------------------------------------------------------------------------------
    def due_subscriptions(
        self, now: datetime, platforms: Sequence[str], limit: int, partition: tuple[int, int] | None = None,
    ) -> list[Subscription]:
        """The one due query: a range scan of the partial index ``subscriptions_due``."""
        if not platforms:
            return []
        shard_sql, shard_params = partition_filter("shard", partition)
        rows = self.db.query(
            f"""SELECT * FROM subscriptions
                WHERE active = 1 AND next_due_at <= ? AND platform IN ({placeholders(platforms)}){shard_sql}
                ORDER BY next_due_at LIMIT ?""",
            (to_ts(now), *platforms, *shard_params, limit),
        )
        return [subscription_from_row(r) for r in rows]

    def due_timers(self, now: datetime, platforms: Sequence[str], limit: int, partition: tuple[int, int] | None = None) -> list[DueTimer]:
        if not platforms:
            return []
        # A timer whose subscription is gone belongs to partition 0 (its claim only deletes it).
        shard_sql, shard_params = partition_filter("COALESCE(s.shard, 0)", partition)
        rows = self.db.query(
            f"""SELECT t.subscription_id AS timer_subscription, t.kind AS timer_kind, t.spec AS timer_spec,
                       t.next_due_at AS timer_due, s.*
                FROM delivery_timers t LEFT JOIN subscriptions s ON s.id = t.subscription_id
                WHERE t.next_due_at <= ? AND (s.id IS NULL OR s.platform IN ({placeholders(platforms)})){shard_sql}
                ORDER BY t.next_due_at LIMIT ?""",
            (to_ts(now), *platforms, *shard_params, limit),
        )
        return [
            DueTimer(
                subscription_id=r["timer_subscription"], kind=r["timer_kind"], spec=r["timer_spec"],
                next_due_at=from_ts(r["timer_due"]), subscription=subscription_from_row(r) if r["id"] is not None else None,
            )
            for r in rows
        ]

    def commit_claims(self, claims: Sequence[Claim], now: datetime) -> list[OutboxRow]:
        """Apply every claim in one transaction; return the outbox rows that are new."""
        created: list[OutboxRow] = []
        with self.db.write() as conn:
            for claim in claims:
                if not self._advance(conn, claim):
                    continue
                post_is_new = False
                for draft in claim.drafts:
                    row_id = self._insert_draft(conn, draft, now)
                    if row_id is not None:
                        created.append(draft_row(draft, row_id, now))
                        post_is_new = post_is_new or draft.status == "pending"
                if post_is_new:
                    self._apply_side_effects(conn, claim)
                for seed in claim.seeds:
                    conn.execute(
                        """INSERT INTO delivery_timers (subscription_id, kind, spec, next_due_at) VALUES (?, ?, ?, ?)
                           ON CONFLICT (subscription_id, kind) DO UPDATE SET spec = excluded.spec, next_due_at = excluded.next_due_at
                           WHERE delivery_timers.spec <> excluded.spec""",
                        (claim.subscription_id, seed.kind, seed.spec, to_ts(seed.next_due_at)),
                    )
        return created

    @staticmethod
    def _advance(conn: Transaction, claim: Claim) -> bool:
        """Compare-and-set the schedule: only the sweeper that still sees ``expected_due`` may plan it."""
        expected = to_ts(claim.expected_due)
        if claim.timer is None:
            if claim.next_due is None:
                raise ValueError("a subscription claim needs the next due instant")
            cursor = conn.execute(
                "UPDATE subscriptions SET next_due_at = ? WHERE id = ? AND active = 1 AND next_due_at = ?",
                (to_ts(claim.next_due), claim.subscription_id, expected),
            )
        elif claim.next_due is None:
            cursor = conn.execute(
                "DELETE FROM delivery_timers WHERE subscription_id = ? AND kind = ? AND next_due_at = ?",
                (claim.subscription_id, claim.timer, expected),
            )
        else:
            cursor = conn.execute(
                "UPDATE delivery_timers SET next_due_at = ?, spec = ? WHERE subscription_id = ? AND kind = ? AND next_due_at = ?",
                (to_ts(claim.next_due), claim.spec, claim.subscription_id, claim.timer, expected),
            )
        return cursor.rowcount > 0

    @staticmethod
    def _insert_draft(conn: Transaction, draft: OutboxDraft, now: datetime) -> int | None:
        d = draft.destination
        finished = to_ts(now) if draft.status not in OPEN_STATUSES else None
        row = conn.execute(
            """INSERT INTO outbox (key, kind, subscription_id, workspace_id, platform, channel_id, dest_kind, user_id,
                 local_date, due_at, status, next_attempt_at, error, payload, created_at, finished_at, shard)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (key) DO NOTHING RETURNING id""",
            (
                draft.key, draft.kind, draft.subscription_id, d.workspace_id, d.platform, d.channel_id, d.kind, d.user_id,
                draft.local_date.isoformat(), to_ts(draft.due_at), draft.status, to_ts(now), draft.note, draft.payload,
                to_ts(now), finished, shard_of(d.workspace_id),
            ),
        ).fetchone()
        return int(row[0]) if row is not None else None

    @staticmethod
    def _apply_side_effects(conn: Transaction, claim: Claim) -> None:
        if claim.quiz_instance is not None:
            q = claim.quiz_instance
            conn.execute(
                """INSERT INTO quiz_instances (id, workspace_id, question_id, owner_user_id, channel_id, origin, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (q.id, q.workspace_id, q.question_id, q.owner_user_id, q.channel_id, q.origin, to_ts(q.created_at)),
            )
        if claim.tip_view is not None and claim.quiz_instance is not None:
            v = claim.tip_view
            conn.execute(
                "INSERT INTO tip_views (workspace_id, user_id, tip_id, shown_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (v.workspace_id, v.user_id, v.tip_id, to_ts(claim.quiz_instance.created_at)),
            )
        if claim.path_day is not None:
            conn.execute("UPDATE subscriptions SET path_day = ? WHERE id = ?", (claim.path_day, claim.subscription_id))

    # reading ----------------------------------------------------------------------------------
    def subscription(self, subscription_id: int) -> Subscription | None:
        rows = self.db.query("SELECT * FROM subscriptions WHERE id = ?", (subscription_id,))
        return subscription_from_row(rows[0]) if rows else None

    def channel_answers(self, workspace_id: str, channel_id: str, since: datetime, until: datetime) -> list[tuple[datetime, bool]]:
        """Answers to the channel's shared quizzes in ``[since, until)``: what the weekly recap charts."""
        rows = self.db.query(
            """SELECT a.answered_at, a.correct FROM answers a JOIN quiz_instances q ON q.id = a.instance_id
               WHERE a.workspace_id = ? AND a.answered_at >= ? AND a.answered_at < ?
                 AND q.channel_id = ? AND q.owner_user_id IS NULL""",
            (workspace_id, to_ts(since), to_ts(until), channel_id),
        )
        return [(from_ts(r["answered_at"]), bool(r["correct"])) for r in rows]

    def prune(self, before: datetime, limit: int) -> int:
        """Forget finished rows older than ``before`` (their dates are long past, so their keys can't recur)."""
        with self.db.write() as conn:
            cursor = conn.execute(
                f"""DELETE FROM outbox WHERE id IN (
                      SELECT id FROM outbox WHERE created_at < ? AND status IN {FINISHED} LIMIT ?)""",
                (to_ts(before), limit),
            )
            return cursor.rowcount

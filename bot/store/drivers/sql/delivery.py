"""The DeliveryStore in shared SQL, over the same database as the repository.

Every write is one transaction. Nothing relies on the database serialising whole transactions: the lease
is taken by one conditional upsert, a claim's compare-and-set on ``next_due_at`` decides which sweeper plans
a post, and starting a send locks the outbox row and reads the lease under a share lock, so a sweeper whose
lease was taken over cannot start a post the new holder also starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.ports import Destination
from bot.store.delivery_store import (
    OPEN_STATUSES,
    AttemptGate,
    Claim,
    DueTimer,
    Lease,
    OutboxDraft,
    OutboxRow,
    OutboxStatus,
)
from bot.store.drivers.sql.database import Row, SqlDatabase, Transaction, from_ts, partition_filter, placeholders, shard_of, to_ts
from bot.store.drivers.sql.repository import subscription_from_row
from bot.store.records import Subscription

_OPEN = "('pending', 'sending')"
_FINISHED = "('sent', 'skipped', 'failed')"


def _outbox_row(row: Row) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        key=row["key"],
        kind=row["kind"],
        subscription_id=row["subscription_id"],
        destination=Destination(
            workspace_id=row["workspace_id"], platform=row["platform"], channel_id=row["channel_id"],
            kind=row["dest_kind"], user_id=row["user_id"],
        ),
        local_date=date.fromisoformat(row["local_date"]),
        due_at=from_ts(row["due_at"]),
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=from_ts(row["next_attempt_at"]),
        created_at=from_ts(row["created_at"]),
        payload=row["payload"],
        message_id=row["message_id"],
        error=row["error"],
    )


def _draft_row(draft: OutboxDraft, row_id: int, now: datetime) -> OutboxRow:
    return OutboxRow(
        id=row_id, key=draft.key, kind=draft.kind, subscription_id=draft.subscription_id, destination=draft.destination,
        local_date=draft.local_date, due_at=draft.due_at, status=draft.status, attempts=0, next_attempt_at=now,
        created_at=now, payload=draft.payload, error=draft.note,
    )


class SqlDeliveryStore:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    # lease ------------------------------------------------------------------------------------
    def acquire_lease(self, lease: Lease, now: datetime, ttl_seconds: int) -> bool:
        """Take (or keep) the lease in one conditional upsert: of two sweepers racing for an expired lease,
        the database lets exactly one update the row; the other's WHERE no longer holds and it gets nothing."""
        with self.db.write() as conn:
            row = conn.execute(
                """INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                   WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
                   RETURNING holder""",
                (lease.name, lease.holder, to_ts(now) + ttl_seconds, to_ts(now)),
            ).fetchone()
        return row is not None

    def renew_lease(self, lease: Lease, now: datetime, ttl_seconds: int) -> bool:
        """Extend our lease; False if another sweeper took it over (ours had expired)."""
        with self.db.write() as conn:
            cursor = conn.execute(
                "UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?",
                (to_ts(now) + ttl_seconds, lease.name, lease.holder),
            )
            return cursor.rowcount > 0

    def lease_info(self, name: str) -> tuple[str, datetime] | None:
        rows = self.db.query("SELECT holder, expires_at FROM leases WHERE name = ?", (name,))
        return (rows[0]["holder"], from_ts(rows[0]["expires_at"])) if rows else None

    def clear_expired_leases(self, now: datetime) -> list[tuple[str, str, datetime]]:
        with self.db.write() as conn:
            rows = conn.execute("DELETE FROM leases WHERE expires_at <= ? RETURNING name, holder, expires_at", (to_ts(now),)).fetchall()
        return [(row[0], row[1], from_ts(row[2])) for row in rows]

    def live_leases(self, prefix: str, now: datetime) -> list[tuple[str, str, datetime]]:
        rows = self.db.query(
            "SELECT name, holder, expires_at FROM leases WHERE substr(name, 1, ?) = ? AND expires_at > ? ORDER BY name",
            (len(prefix), prefix, to_ts(now)),
        )
        return [(row[0], row[1], from_ts(row[2])) for row in rows]

    def release_lease(self, lease: Lease) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (lease.name, lease.holder))

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
                        created.append(_draft_row(draft, row_id, now))
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

    # sending ----------------------------------------------------------------------------------
    def open_outbox(
        self, now: datetime, platforms: Sequence[str], after: tuple[datetime, int] | None, limit: int,
        partition: tuple[int, int] | None = None,
    ) -> list[OutboxRow]:
        """Rows waiting to be (re)sent, in due order; ``after`` is the (next_attempt_at, id) of the last page."""
        if not platforms:
            return []
        cursor_ts, cursor_id = (to_ts(after[0]), after[1]) if after else (-1, 0)
        shard_sql, shard_params = partition_filter("shard", partition)
        rows = self.db.query(
            f"""SELECT * FROM outbox
                WHERE status IN {_OPEN} AND next_attempt_at <= ? AND (next_attempt_at, id) > (?, ?)
                  AND platform IN ({placeholders(platforms)}){shard_sql}
                ORDER BY next_attempt_at, id LIMIT ?""",
            (to_ts(now), cursor_ts, cursor_id, *platforms, *shard_params, limit),
        )
        return [_outbox_row(r) for r in rows]

    def record_attempts(
        self, now: datetime, starting: Sequence[int] = (), sent: Sequence[tuple[int, str]] = (), lease: Lease | None = None,
        lease_now: datetime | None = None,
    ) -> dict[int, AttemptGate]:
        """One transaction (one fsync) for many sends: mark ``sent`` rows sent, then ``starting`` rows sending.

        A start is fenced by the lease and by the subscription still being on; the result says, per
        starting row, whether its platform call may go ahead. A sent row's payload is dropped: sent rows
        are kept only as the exactly-once record.
        """
        gates: dict[int, AttemptGate] = {}
        with self.db.write() as conn:
            for row_id, message_id in sent:
                conn.execute(
                    "UPDATE outbox SET status = 'sent', message_id = ?, finished_at = ?, payload = NULL, error = NULL WHERE id = ?",
                    (message_id, to_ts(now), row_id),
                )
            if not starting:
                return gates
            # A share lock on our lease row: a sweeper taking it over waits until these starts commit.
            held = lease is not None and conn.execute(
                "SELECT 1 FROM leases WHERE name = ? AND holder = ? AND expires_at > ?" + self.db.dialect.for_share,
                (lease.name, lease.holder, to_ts(lease_now or now)),
            ).fetchone() is not None
            for row_id in starting:
                gates[row_id] = self._start(conn, row_id, now, self.db.dialect.for_update) if held else "lease_lost"
        return gates

    @staticmethod
    def _start(conn: Transaction, row_id: int, now: datetime, for_update: str) -> AttemptGate:
        row = conn.execute("SELECT status, subscription_id FROM outbox WHERE id = ?" + for_update, (row_id,)).fetchone()
        if row is None or row[0] not in OPEN_STATUSES:
            return "closed"
        subscription = conn.execute("SELECT active FROM subscriptions WHERE id = ?", (row[1],)).fetchone()
        if subscription is None or not subscription[0]:
            return "inactive"
        conn.execute(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ? WHERE id = ?",
            (to_ts(now), to_ts(now), row_id),
        )
        return "ok"

    def mark_retry(self, row_id: int, status: OutboxStatus, next_attempt_at: datetime, error: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                f"UPDATE outbox SET status = ?, next_attempt_at = ?, error = ? WHERE id = ? AND status IN {_OPEN}",
                (status, to_ts(next_attempt_at), error[:500], row_id),
            )

    def mark_skipped(self, row_id: int, reason: str, now: datetime) -> None:
        with self.db.write() as conn:
            conn.execute(
                f"""UPDATE outbox SET status = 'skipped', error = ?, finished_at = ?, payload = NULL
                    WHERE id = ? AND status IN {_OPEN}""",
                (reason[:500], to_ts(now), row_id),
            )

    def fail_subscription(self, row_id: int, subscription_id: int, error: str, now: datetime) -> int:
        """A permanent error: fail this row and every other open row of the subscription, and switch it off."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE outbox SET status = 'failed', error = ?, finished_at = ?, payload = NULL WHERE id = ?",
                (error[:500], to_ts(now), row_id),
            )
            cursor = conn.execute(
                f"""UPDATE outbox SET status = 'failed', error = ?, finished_at = ?, payload = NULL
                    WHERE subscription_id = ? AND status IN {_OPEN}""",
                (f"subscription switched off: {error}"[:500], to_ts(now), subscription_id),
            )
            conn.execute("UPDATE subscriptions SET active = 0 WHERE id = ?", (subscription_id,))
            conn.execute("DELETE FROM delivery_timers WHERE subscription_id = ?", (subscription_id,))
        return 1 + cursor.rowcount

    def record_notice(self, subscription: Subscription, text: str, now: datetime, delivered: bool) -> None:
        with self.db.write() as conn:
            conn.execute(
                """INSERT INTO delivery_notices (workspace_id, subscription_id, admin_user_id, text, created_at, delivered)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (subscription.workspace_id, subscription.id, subscription.created_by, text, to_ts(now), int(delivered)),
            )

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
                      SELECT id FROM outbox WHERE created_at < ? AND status IN {_FINISHED} LIMIT ?)""",
                (to_ts(before), limit),
            )
            return cursor.rowcount

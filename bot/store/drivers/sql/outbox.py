"""Sending from the outbox in shared SQL: open rows in due order, attempts started under the row's lock and the
lease's share lock, retries, skips and a subscription switched off by a permanent failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.ports import Destination
from bot.store.delivery_store import OPEN_STATUSES, AttemptGate, Lease, OutboxDraft, OutboxRow, OutboxStatus
from bot.store.drivers.sql.database import Row, SqlDatabase, Transaction, from_ts, partition_filter, placeholders, to_ts
from bot.store.records import Subscription

OPEN = "('pending', 'sending')"
FINISHED = "('sent', 'skipped', 'failed')"


def outbox_row(row: Row) -> OutboxRow:
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


def draft_row(draft: OutboxDraft, row_id: int, now: datetime) -> OutboxRow:
    return OutboxRow(
        id=row_id, key=draft.key, kind=draft.kind, subscription_id=draft.subscription_id, destination=draft.destination,
        local_date=draft.local_date, due_at=draft.due_at, status=draft.status, attempts=0, next_attempt_at=now,
        created_at=now, payload=draft.payload, error=draft.note,
    )


class SqlOutboxSending:
    db: SqlDatabase

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
                WHERE status IN {OPEN} AND next_attempt_at <= ? AND (next_attempt_at, id) > (?, ?)
                  AND platform IN ({placeholders(platforms)}){shard_sql}
                ORDER BY next_attempt_at, id LIMIT ?""",
            (to_ts(now), cursor_ts, cursor_id, *platforms, *shard_params, limit),
        )
        return [outbox_row(r) for r in rows]

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
                f"UPDATE outbox SET status = ?, next_attempt_at = ?, error = ? WHERE id = ? AND status IN {OPEN}",
                (status, to_ts(next_attempt_at), error[:500], row_id),
            )

    def mark_skipped(self, row_id: int, reason: str, now: datetime) -> None:
        with self.db.write() as conn:
            conn.execute(
                f"""UPDATE outbox SET status = 'skipped', error = ?, finished_at = ?, payload = NULL
                    WHERE id = ? AND status IN {OPEN}""",
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
                    WHERE subscription_id = ? AND status IN {OPEN}""",
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

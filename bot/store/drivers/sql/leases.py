"""The sweep's leases in shared SQL: who may plan and send for a partition, taken by one conditional upsert.

A lease is held until its expiry; renewing it and reading it under a share lock (see ``outbox.py``) is what
stops a sweeper whose lease was taken over from starting a post the new holder also starts.
"""

from __future__ import annotations

from datetime import datetime

from bot.store.delivery_store import Lease
from bot.store.drivers.sql.database import SqlDatabase, from_ts, to_ts


class SqlLeases:
    db: SqlDatabase

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

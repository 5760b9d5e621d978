"""The intake's storage in shared SQL: one table, written in group commits, applied inside the use case's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

from bot.intake import IntakeRecord, IntakeState, OpenRequest
from bot.store.drivers.sql.database import SqlDatabase, from_ts, to_ts


class SqlIntakeStore:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    def admit(self, records: Sequence[IntakeRecord], now: datetime) -> list[bool]:
        stamp = to_ts(now)
        # Keys go in sorted: two processes admitting overlapping batches then wait on each other's keys in one
        # order, never in a cycle (a deadlock would refuse both batches; Slack would retry, but late).
        order = sorted(range(len(records)), key=lambda i: records[i].key)
        inserted = [False] * len(records)
        with self.db.write(urgent=True) as conn:  # an acknowledgement is waiting on this commit
            for i in order:
                r = records[i]
                inserted[i] = conn.execute(
                    "INSERT INTO intake (key, platform, kind, body, content_type, state, received_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (key) DO NOTHING",
                    (r.key, r.platform, r.kind, r.body, r.content_type, stamp, stamp),
                ).rowcount == 1
        return inserted

    @contextmanager
    def unit_of_work(self) -> Iterator[Any]:
        """The request's effect and its intake mark, committed without waiting for an fsync.

        The intake row was made durable (a synchronous commit) before the ack, so it is the durability point:
        should power fail before this commit reaches the disk, the effect is lost together with its mark,
        and the still-pending row applies it again on start. A process crash loses nothing either way
        (SQLite's WAL, PostgreSQL's WAL with ``synchronous_commit = off``). Skipping the fsync here keeps
        the workers from holding the write lock through one, which is what acknowledgements queue behind.
        """
        with self.db.write(fsync=False) as conn:
            yield conn

    def state_of(self, key: str) -> IntakeState | None:
        # Locked inside the unit of work: a second process applying the same key waits, then sees "applied".
        rows = self.db.query("SELECT state FROM intake WHERE key = ?" + self.db.dialect.for_update, (key,))
        return cast(IntakeState, rows[0]["state"]) if rows else None

    def mark(self, key: str, state: IntakeState, now: datetime, response: dict[str, Any] | None = None) -> None:
        with self.db.write() as conn:
            if response is None:
                conn.execute("UPDATE intake SET state = ?, updated_at = ? WHERE key = ?", (state, to_ts(now), key))
            else:
                conn.execute("UPDATE intake SET state = ?, response = ?, updated_at = ? WHERE key = ?",
                             (state, json.dumps(response, separators=(",", ":")), to_ts(now), key))

    def open_requests(self, since: datetime, platform: str) -> list[OpenRequest]:
        rows = self.db.query(
            "SELECT * FROM intake WHERE state IN ('pending', 'applied') AND received_at >= ? AND platform = ? ORDER BY received_at, key",
            (to_ts(since), platform),
        )
        return [
            OpenRequest(
                record=IntakeRecord(row["key"], row["platform"], row["kind"], row["body"], row["content_type"]),
                state=cast(IntakeState, row["state"]),
                response=json.loads(row["response"]) if row["response"] else None,
                received_at=from_ts(row["received_at"]),
                updated_at=from_ts(row["updated_at"]),
            )
            for row in rows
        ]

    def claim_reply(self, key: str, seen_updated_at: datetime, now: datetime) -> bool:
        with self.db.write() as conn:
            return conn.execute(
                "UPDATE intake SET updated_at = ? WHERE key = ? AND state = 'applied' AND updated_at = ?",
                (to_ts(now), key, to_ts(seen_updated_at)),
            ).rowcount == 1

    def prune(self, before: datetime) -> int:
        with self.db.write() as conn:
            return conn.execute("DELETE FROM intake WHERE updated_at < ? AND state IN ('responded', 'failed')", (to_ts(before),)).rowcount

"""A persistent TTL set of Slack deliveries already handled, so a retry never applies an action twice.

Slack retries an event (``X-Slack-Retry-Num``) when it did not see an ack in time, and a flaky network can
deliver one interaction twice. The key is written before the work runs (at-most-once), in the shared SQLite
file, so a retry that lands on another replica in HTTP mode is caught too. Rows older than the TTL are
pruned now and then; Slack stops retrying after minutes, so an hour is plenty.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from bot.store.repository import StoreUnavailable
from bot.store.sqlite import SqliteDatabase

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 3600
PRUNE_EVERY = 500


class ProcessedRequests:
    def __init__(self, db: SqliteDatabase, ttl_seconds: int = DEFAULT_TTL_SECONDS, now: Callable[[], float] = time.time) -> None:
        self.db = db
        self.ttl_seconds = ttl_seconds
        self._now = now
        self._inserts = 0
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True exactly once per key within the TTL; records the key as it answers.

        If the database is unavailable the request is treated as new: the core's own idempotency still
        guards quiz answers, and refusing work because the dedupe table is busy would drop real clicks.
        """
        now = int(self._now())
        try:
            with self.db.write() as conn:
                inserted = conn.execute("INSERT OR IGNORE INTO slack_processed (key, seen_at) VALUES (?, ?)", (key, now)).rowcount == 1
                if not inserted:
                    expired = conn.execute(
                        "UPDATE slack_processed SET seen_at = ? WHERE key = ? AND seen_at < ?", (now, key, now - self.ttl_seconds)
                    ).rowcount == 1
                    return expired
                if self._should_prune():
                    conn.execute("DELETE FROM slack_processed WHERE seen_at < ?", (now - self.ttl_seconds,))
                return True
        except StoreUnavailable as error:
            log.warning("dedupe table unavailable, processing %s anyway: %s", key.split(":")[0], error)
            return True

    def _should_prune(self) -> bool:
        with self._lock:
            self._inserts += 1
            return self._inserts % PRUNE_EVERY == 0

"""Copy a whole installation between two stores (SQLite to PostgreSQL, or back), verifying every count.

Rows are copied table by table, parents first, keeping their ids, inside one transaction on the target:
a failure leaves the target as it was. Afterwards each table's row count on the target must equal the
source's, and the target driver moves its id sequences past the copied ids.
"""

from __future__ import annotations

from bot.store.drivers.sql.database import SqlDatabase
from bot.store.drivers.sql.store import SqlStore
from bot.store.store import Store

# Parents before children; every table the schema holds except bookkeeping (migrations, health probe).
TABLES: tuple[str, ...] = (
    "workspaces", "learners", "tz_changes", "quiz_instances", "answers", "cards", "activity", "tip_views",
    "subscriptions", "fsrs_parameters", "outbox", "delivery_timers", "leases", "delivery_notices", "intake", "reports",
    "slack_installations", "slack_bots", "slack_oauth_states", "workspace_tracks", "workspace_content", "content_uploads",
)
BATCH = 2000


class CopyRefused(RuntimeError):
    """The copy would mix two installations (or there is nothing to copy into)."""


def _sql(store: Store) -> SqlDatabase:
    if not isinstance(store, SqlStore):
        raise CopyRefused(f"{store!r} is not a SQL store")
    return store.db


def _count(db: SqlDatabase, table: str) -> int:
    return int(db.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


def _columns(db: SqlDatabase, table: str) -> list[str]:
    if db.dialect.name == "sqlite":
        return [str(r["name"]) for r in db.query(f"PRAGMA table_info({table})")]
    rows = db.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        (table,),
    )
    return [str(r["column_name"]) for r in rows]


def copy_store(source: Store, target: Store, *, replace: bool = False) -> dict[str, int]:
    """Copy every table; returns the row count per table (equal on both sides, or CopyRefused is raised)."""
    src, dst = _sql(source), _sql(target)
    held = {table: n for table in TABLES if (n := _count(dst, table))}
    if held and not replace:
        listed = ", ".join(f"{table} ({n})" for table, n in held.items())
        raise CopyRefused(f"The target already holds data: {listed}. Copy into an empty database, or pass --replace to empty it first.")
    counts: dict[str, int] = {}
    with dst.write() as tx:
        for table in reversed(TABLES):
            if replace:
                tx.execute(f"DELETE FROM {table}")
        for table in TABLES:
            source_columns = _columns(src, table)
            target_columns = set(_columns(dst, table))
            columns = [c for c in source_columns if c in target_columns]
            insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
            order = "id" if "id" in columns else ", ".join(columns[:3])
            copied = 0
            while rows := src.query(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order} LIMIT ? OFFSET ?", (BATCH, copied)):
                for row in rows:
                    tx.execute(insert, tuple(row))
                copied += len(rows)
            counts[table] = copied
        dst.after_bulk_copy(tx, TABLES)
    after = {t: (n, _count(dst, t), _count(src, t)) for t, n in counts.items()}
    mismatched = {t: seen for t, seen in after.items() if len(set(seen)) > 1}
    if mismatched:
        raise CopyRefused("Counts differ after the copy (copied, target, source): " + ", ".join(f"{t} {v}" for t, v in mismatched.items()))
    return counts

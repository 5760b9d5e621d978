"""The sweep's due query at 1,000,000 subscriptions on PostgreSQL: a range scan of the partial index, not a table scan.

Ours: ``SqlDeliveryStore.due_subscriptions`` (the exact query and code path a sweep runs every minute) over
a 1M-row ``subscriptions`` table loaded with ``generate_series`` and analysed, at an instant where one
minute's worth of subscriptions is due, with its ``EXPLAIN (ANALYZE, BUFFERS)`` plan. Reference: the same
call after ``DROP INDEX subscriptions_due``, which is what the query costs without it; the goal is 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.pg_cluster import durability, durable_cluster

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GOAL_MS = 50.0
WEEK_MINUTES = 7 * 24 * 60
PLATFORMS = ["slack", "discord"]
LIMIT = 500
DUE_SQL = """SELECT * FROM subscriptions
    WHERE active = 1 AND next_due_at <= %s AND platform IN (%s, %s)
    ORDER BY next_due_at LIMIT %s"""
"""The text ``due_subscriptions`` sends for two platforms, for EXPLAIN only; the timings call the store itself."""


def seed(url: str, total: int, workspaces: int = 5_000) -> int:
    """``total`` subscriptions spread over the coming week by minute, 2% inactive, a quarter on Discord; returns how many are due at NOW."""
    import psycopg

    start = int(NOW.timestamp()) - 60  # the last minute's worth is due
    with psycopg.connect(url) as conn:
        conn.execute("SELECT setseed(0.2026)")
        conn.execute(
            """INSERT INTO subscriptions (workspace_id, platform, channel_id, kind, local_time, tz, days, track, active,
                 next_due_at, created_by, created_at)
               SELECT 'W' || mod(i, %s), CASE WHEN mod(i, 4) = 0 THEN 'discord' ELSE 'slack' END, 'C' || i, 'channel', '09:00', 'UTC',
                      '0,1,2,3,4', 'path', CASE WHEN random() < 0.02 THEN 0 ELSE 1 END,
                      %s + floor(random() * %s)::bigint * 60, 'U1', %s
               FROM generate_series(1, %s) AS i""",
            (workspaces, start, WEEK_MINUTES, start, total),
        )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE subscriptions")
        due = conn.execute("SELECT COUNT(*) FROM subscriptions WHERE active = 1 AND next_due_at <= %s", (int(NOW.timestamp()),)).fetchone()
    return int(due[0]) if due else 0


def timed_ms(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Best and median wall time of ``repeats`` calls, in milliseconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times)


def explain(url: str, at: datetime) -> list[str]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {DUE_SQL}", (int(at.timestamp()), *PLATFORMS, LIMIT)).fetchall()
    return [str(r[0]) for r in rows]


def run(total: int = 1_000_000, repeats: int = 9) -> dict[str, Any]:
    import psycopg

    from bot.store.drivers.postgres import PostgresStore
    from bot.store.url import DatabaseUrl

    with durable_cluster() as server:
        url = server.new_database("due")
        settings = durability(url)
        started = time.perf_counter()
        due = seed(url, total)
        build_s = time.perf_counter() - started
        store = PostgresStore(DatabaseUrl.parse(url), max_connections=2)
        try:
            delivery = store.delivery
            found = delivery.due_subscriptions(NOW, PLATFORMS, LIMIT)
            if len(found) != min(due, LIMIT):
                raise RuntimeError(f"the due query found {len(found)} rows, expected {min(due, LIMIT)}")
            best, median = timed_ms(lambda: delivery.due_subscriptions(NOW, PLATFORMS, LIMIT), repeats)
            later = NOW + timedelta(hours=6)  # a bigger backlog: six hours of subscriptions due at once
            backlog_best, _ = timed_ms(lambda: delivery.due_subscriptions(later, PLATFORMS, LIMIT), repeats)
            plan = explain(url, NOW)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("DROP INDEX subscriptions_due")
            unindexed = delivery.due_subscriptions(NOW, PLATFORMS, LIMIT)
            if sorted(s.next_due_at for s in unindexed if s.next_due_at) != sorted(s.next_due_at for s in found if s.next_due_at):
                raise RuntimeError("without the index the due query found a different batch")
            scan_best, scan_median = timed_ms(lambda: delivery.due_subscriptions(NOW, PLATFORMS, LIMIT), max(3, repeats // 3))
            scan_plan = explain(url, NOW)
        finally:
            store.close()
    return {
        "subscriptions": total,
        "due_now": due,
        "build_s": round(build_s, 2),
        "ours_ms": round(best, 3),
        "ours_median_ms": round(median, 3),
        "six_hour_backlog_ms": round(backlog_best, 3),
        "reference_ms": round(scan_best, 1),
        "reference_median_ms": round(scan_median, 1),
        "ratio": round(best / scan_best, 4),
        "goal": f"< {GOAL_MS} ms",
        "within_goal": best < GOAL_MS,
        "plan": plan,
        "reference_plan": scan_plan,
        "durability": settings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1_000_000)
    args = parser.parse_args()
    r = run(args.subscriptions)
    print(
        f"due query on PostgreSQL over {r['subscriptions']:,} subscriptions ({r['due_now']} due now; built in {r['build_s']} s)\n"
        f"  ours {r['ours_ms']} ms (median {r['ours_median_ms']} ms; 6-hour backlog {r['six_hour_backlog_ms']} ms), goal {r['goal']}: "
        f"{'met' if r['within_goal'] else 'MISSED'}\n"
        f"  reference, same query without subscriptions_due: {r['reference_ms']} ms (median {r['reference_median_ms']} ms); ratio {r['ratio']}\n"
        "  plan (ours):"
    )
    for line in r["plan"]:
        print(f"    {line}")
    print("  plan (without the index):")
    for line in r["reference_plan"]:
        print(f"    {line}")


if __name__ == "__main__":
    main()

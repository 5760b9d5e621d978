"""Fan-out on PostgreSQL: 10,000 channel posts due at once, two sweeper processes on one database, against the rate-limit bound.

Ours: two separate processes (each its own store, pool, Delivery and HTTP session), released at the same
instant as two ``aipm serve`` schedulers ticking the same minute, each running one real sweep against one
local fake platform (``bench.rate_limited_platform``, its Slack-like limits unchanged: 1 post/s per channel,
burst 3; 20 posts/s per workspace, burst 20). Workspace sizes are skewed as in ``bench.fanout``.
Reference: the lower bound those limits impose (``bench.fanout.lower_bound``), max over workspaces of
(posts - burst) / rate. The fake counts every accepted post per idempotency key: nothing may be lost or
repeated. A sweep holds the exclusive ``delivery-sweep`` lease, so the second process is expected to find it
busy; the result says how many posts each process made. ``--partitions P`` (P > 1) runs the sweep partitioned
by workspace shard instead, where the code in the tree supports it (``DeliveryConfig.partitions``).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib
import io
import json
import random
import time
import traceback
import urllib.request
from collections import Counter
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from bench.fanout import DUE, GOAL_RATIO, lower_bound, start_platform, workspace_sizes
from bench.pg_cluster import durability, durable_cluster, run_processes

ROOT = Path(__file__).resolve().parent.parent
SWEEPERS = 2


def seed(url: str, sizes: list[int]) -> list[str]:
    """Subscriptions all due at DUE, loaded with COPY (shuffled, as in bench.fanout); returns their outbox keys."""
    import psycopg

    from bot.store.drivers.sql.database import to_ts

    created = to_ts(DUE) - 86_400
    rows: list[tuple[object, ...]] = [
        (f"W{w:03d}", "slack", f"C{w:03d}-{c:04d}", "channel", "09:00", "UTC", "0,1,2,3,4", "path", to_ts(DUE), "U-admin", created)
        for w, size in enumerate(sizes) for c in range(size)
    ]
    random.Random(6).shuffle(rows)
    with psycopg.connect(url) as conn:
        shard_column = conn.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'subscriptions' AND column_name = 'shard'"
        ).fetchone() is not None
        columns = "workspace_id, platform, channel_id, kind, local_time, tz, days, track, next_due_at, created_by, created_at"
        if shard_column:  # a schema whose sweeps can be partitioned: each row carries its workspace's shard
            shard_of = importlib.import_module("bot.store.drivers.sql.database").shard_of
            rows = [(*row, shard_of(row[0])) for row in rows]
            columns += ", shard"
        with conn.cursor() as cursor:
            with cursor.copy("COPY workspaces (id, platform, name, created_at) FROM STDIN") as copy:
                for w in range(len(sizes)):
                    copy.write_row((f"W{w:03d}", "slack", f"Workspace {w}", created))
            with cursor.copy(f"COPY subscriptions ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("ANALYZE subscriptions")
        ids = [r[0] for r in conn.execute("SELECT id FROM subscriptions ORDER BY id").fetchall()]
    return [f"daily:{i}:{DUE:%Y%m%d}" for i in ids]


def sweeper(go: Event, results: Any, url: str, base_url: str, concurrency: int, partitions: int) -> None:
    """One bot process's scheduler tick: one sweep, as ``aipm serve`` runs it (the lease timed on the real clock)."""
    try:
        import aiohttp

        from bench.http_messenger import HttpMessenger
        from bench.rate_limited_platform import LIMITS
        from bot.clock import FixedClock, SystemClock
        from bot.content import load_curriculum
        from bot.delivery import Delivery
        from bot.delivery_config import DeliveryConfig
        from bot.service import CompanionService
        from bot.store.drivers.postgres import PostgresStore
        from bot.store.url import DatabaseUrl

        store = PostgresStore(DatabaseUrl.parse(url))
        service = CompanionService(store.repo, load_curriculum(ROOT / "content"), FixedClock(DUE))
        config = DeliveryConfig(limits={"slack": LIMITS}, max_concurrency=concurrency)
        if partitions > 1:  # fails plainly where the tree's DeliveryConfig has no partitions yet
            partitioned: dict[str, Any] = {"partitions": partitions, "sweepers": SWEEPERS}
            config = dataclasses.replace(config, **partitioned)
        delivery = Delivery(service, store.delivery, {}, config, lease_clock=SystemClock())

        async def sweep() -> dict[str, Any]:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
                delivery.messengers = {"slack": HttpMessenger(base_url, session)}
                results.put("ready")
                await asyncio.to_thread(go.wait)
                started = time.time()
                report = await delivery.sweep()
                finished = time.time()
            return {
                "started": started, "finished": finished, "holder": report.holder, "lease_busy": report.lease_busy,
                "lease_holder": report.lease_holder, "planned": report.planned, "counts": report.counts, "errors": report.errors[:5],
            }

        outcome = asyncio.run(sweep())
        store.close()
        results.put(outcome)
    except Exception:
        results.put(("error", traceback.format_exc()))


def platform_stats(base_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base_url}/stats?keys=1", timeout=30) as response:
        stats: dict[str, Any] = json.load(io.TextIOWrapper(response, encoding="utf-8"))
    return stats


def run(subscriptions: int = 10_000, workspaces: int = 500, skew: float = 0.75, concurrency: int = 64, partitions: int = 2) -> dict[str, Any]:
    import psycopg

    sizes = workspace_sizes(subscriptions, workspaces, skew)
    bound = lower_bound(sizes)
    with durable_cluster() as server:
        url = server.new_database("fanout")
        settings = durability(url)
        started = time.perf_counter()
        keys = seed(url, sizes)
        seed_s = time.perf_counter() - started
        process, base_url = start_platform()
        try:
            sweeps = run_processes(sweeper, [(url, base_url, concurrency, partitions)] * SWEEPERS, timeout=300)
            stats = platform_stats(base_url)
        finally:
            process.terminate()
            process.wait(timeout=10)
        with psycopg.connect(url) as conn:
            outbox = Counter(str(r[0]) for r in conn.execute("SELECT status FROM outbox").fetchall())
            still_due = conn.execute("SELECT COUNT(*) FROM subscriptions WHERE active = 1 AND next_due_at <= %s",
                                     (int(DUE.timestamp()),)).fetchone()
    elapsed = max(s["finished"] for s in sweeps) - min(s["started"] for s in sweeps)
    accepted = set(stats["all_keys"])
    sweeps.sort(key=lambda s: -s["counts"]["sent"])
    return {
        "subscriptions": subscriptions,
        "workspaces": workspaces,
        "largest_workspace": max(sizes),
        "sweepers": SWEEPERS,
        "partitions": partitions,
        "limits": "1 post/s per channel (burst 3), 20 posts/s per workspace (burst 20)",
        "seed_s": round(seed_s, 2),
        "ours_s": round(elapsed, 2),
        "reference_s": round(bound, 2),
        "ratio": round(elapsed / bound, 3),
        "goal": f"<= {GOAL_RATIO}",
        "within_goal": elapsed / bound <= GOAL_RATIO,
        "per_process": [
            {"sent": s["counts"]["sent"], "planned": s["planned"], "lease_busy": s["lease_busy"], "seconds": round(s["finished"] - s["started"], 2),
             "errors": s["errors"]}
            for s in sweeps
        ],
        "sent": sum(s["counts"]["sent"] for s in sweeps),
        "lost": len(set(keys) - accepted),
        "repeated": len(stats["repeated"]),
        "unexpected": len(accepted - set(keys)),
        "refused_429": stats["refused_429"],
        "outbox": dict(outbox),
        "still_due": int(still_due[0]) if still_due else None,
        "durability": settings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--workspaces", type=int, default=500)
    parser.add_argument("--skew", type=float, default=0.75, help="Zipf exponent of workspace sizes")
    parser.add_argument("--partitions", type=int, default=2, help="sweep partitions (2: one per sweeper, what make bench runs; 1: one exclusive lease)")
    args = parser.parse_args()
    r = run(args.subscriptions, args.workspaces, args.skew, partitions=args.partitions)
    print(
        f"fan-out on PostgreSQL: {r['subscriptions']} posts over {r['workspaces']} workspaces (largest {r['largest_workspace']}), "
        f"{r['sweepers']} sweeper processes, {r['partitions']} partition(s); limits {r['limits']}\n"
        f"  ours {r['ours_s']} s vs reference (rate-limit lower bound) {r['reference_s']} s: ratio {r['ratio']} (goal {r['goal']}: "
        f"{'met' if r['within_goal'] else 'MISSED'})\n"
        f"  sent {r['sent']}, lost {r['lost']}, repeated {r['repeated']}, unexpected {r['unexpected']}, 429s {r['refused_429']}, "
        f"outbox {r['outbox']}, still due {r['still_due']}"
    )
    for index, p in enumerate(r["per_process"]):
        print(f"  process {index + 1}: sent {p['sent']}, planned {p['planned']}, lease busy {p['lease_busy']}, {p['seconds']} s"
              + (f", errors {p['errors']}" if p["errors"] else ""))


if __name__ == "__main__":
    main()

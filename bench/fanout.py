"""Fan-out: 10,000 channel posts due at once across 500 workspaces, against Slack-like rate limits.

Ours: one real delivery sweep (planning, outbox, pacing, retries) posting through an HTTP messenger
to a local fake platform (a separate process) that enforces 1 post/s per channel (burst 3) and
20 posts/s per workspace (burst 20), answering 429 + Retry-After when a post would exceed them.
Reference: the lower bound those limits impose, max over workspaces of (posts - burst) / rate, since
workspaces are independent. Workspace sizes are skewed (Zipf-like), as real installs are, so the
bound is set by the biggest workspace and small ones must not queue behind it. The fake counts every
accepted post per idempotency key: nothing may be lost or repeated.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.http_messenger import HttpMessenger
from bench.rate_limited_platform import LIMITS
from bot.clock import FixedClock
from bot.content import load_curriculum
from bot.delivery import Delivery
from bot.delivery_config import DeliveryConfig
from bot.service import CompanionService
from bot.store.drivers.sql.database import to_ts
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from bot.store.drivers.sqlite import SqliteRepository

ROOT = Path(__file__).resolve().parent.parent
DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
GOAL_RATIO = 1.2


def workspace_sizes(subscriptions: int, workspaces: int, skew: float) -> list[int]:
    """Zipf-like sizes summing to ``subscriptions``, every workspace at least one (largest remainder)."""
    weights = [1 / (rank + 1) ** skew for rank in range(workspaces)]
    spare = subscriptions - workspaces
    shares = [spare * w / sum(weights) for w in weights]
    sizes = [1 + int(s) for s in shares]
    for index in sorted(range(workspaces), key=lambda i: shares[i] - int(shares[i]), reverse=True)[: subscriptions - sum(sizes)]:
        sizes[index] += 1
    return sizes


def lower_bound(sizes: list[int]) -> float:
    """Seconds the platform's limits require: workspaces drain in parallel, each at its own rate."""
    workspace = LIMITS.per_workspace
    assert workspace is not None
    return max(max(0, n - workspace.burst) / workspace.per_second for n in sizes)


def seed(repo: SqliteRepository, sizes: list[int]) -> list[str]:
    """Subscriptions all due at DUE, written with executemany in one transaction; returns their keys."""
    created = to_ts(DUE) - 86_400
    rows: list[tuple[object, ...]] = []
    for w, size in enumerate(sizes):
        rows.extend(
            (f"W{w:03d}", "slack", f"C{w:03d}-{c:04d}", "channel", None, "09:00", "UTC", "0,1,2,3,4", "path", to_ts(DUE), "U-admin", created)
            for c in range(size)
        )
    random.Random(6).shuffle(rows)  # subscriptions arrive over time: the big workspace's are spread out
    with repo.db.write() as conn:
        conn.executemany(
            "INSERT INTO workspaces (id, platform, name, created_at) VALUES (?, 'slack', ?, ?)",
            [(f"W{w:03d}", f"Workspace {w}", created) for w in range(len(sizes))],
        )
        conn.executemany(
            """INSERT INTO subscriptions (workspace_id, platform, channel_id, kind, user_id, local_time, tz, days, track,
                 next_due_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            rows,
        )
    ids = [r["id"] for r in repo.db.query("SELECT id FROM subscriptions ORDER BY id")]
    return [f"daily:{i}:{DUE:%Y%m%d}" for i in ids]


def start_platform() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.rate_limited_platform", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"the fake platform did not start: {line!r}")
    return process, f"http://127.0.0.1:{line.split()[1]}"


async def sweep(delivery: Delivery, base_url: str, concurrency: int) -> tuple[float, dict[str, Any], Any]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        delivery.messengers = {"slack": HttpMessenger(base_url, session)}
        started = time.perf_counter()
        report = await delivery.sweep()
        elapsed = time.perf_counter() - started
        async with session.get(f"{base_url}/stats", params={"keys": "1"}) as response:
            stats = await response.json()
    return elapsed, stats, report


def run(subscriptions: int = 10_000, workspaces: int = 500, skew: float = 0.75, concurrency: int = 64) -> dict[str, Any]:
    content = load_curriculum(ROOT / "content")
    sizes = workspace_sizes(subscriptions, workspaces, skew)
    bound = lower_bound(sizes)
    with tempfile.TemporaryDirectory() as tmp:
        repo = SqliteRepository(Path(tmp) / "fanout.db")
        keys = seed(repo, sizes)
        service = CompanionService(repo, content, FixedClock(DUE))
        config = DeliveryConfig(limits={"slack": LIMITS}, max_concurrency=concurrency)
        delivery = Delivery(service, SqlDeliveryStore(repo.db), {}, config)
        process, base_url = start_platform()
        try:
            elapsed, stats, report = asyncio.run(sweep(delivery, base_url, concurrency))
        finally:
            process.terminate()
            process.wait(timeout=10)
        outbox = Counter(r["status"] for r in repo.db.query("SELECT status FROM outbox"))
        repo.close()
    accepted = set(stats["all_keys"])
    lost = len(set(keys) - accepted)
    return {
        "subscriptions": subscriptions,
        "workspaces": workspaces,
        "largest_workspace": max(sizes),
        "ours_s": round(elapsed, 2),
        "reference_s": round(bound, 2),
        "ratio": round(elapsed / bound, 3),
        "goal": f"<= {GOAL_RATIO}",
        "sent": report.counts["sent"],
        "lost": lost,
        "repeated": len(stats["repeated"]),
        "unexpected": len(accepted - set(keys)),
        "refused_429": stats["refused_429"],
        "outbox": dict(outbox),
        "busiest_workspace": {k: v for k, v in (stats.get("busiest_workspace") or {}).items() if k != "per_second"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--workspaces", type=int, default=500)
    parser.add_argument("--skew", type=float, default=0.75, help="Zipf exponent of workspace sizes")
    args = parser.parse_args()
    result = run(args.subscriptions, args.workspaces, args.skew)
    print(
        f"fan-out: {result['subscriptions']} posts over {result['workspaces']} workspaces (largest {result['largest_workspace']})\n"
        f"  ours {result['ours_s']} s vs reference (rate-limit lower bound) {result['reference_s']} s: "
        f"ratio {result['ratio']} (goal {result['goal']})\n"
        f"  sent {result['sent']}, lost {result['lost']}, repeated {result['repeated']}, 429s {result['refused_429']}, outbox {result['outbox']}"
    )


if __name__ == "__main__":
    main()

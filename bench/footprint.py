"""Footprint: resident memory and start-up time of ``aipm serve`` with 100,000 learners and 1,000,000 answers.

Reference: the same ``aipm serve`` on an empty database, so the ratio shows what the data costs. Goal:
under 150 MB resident and under 2 s from process start to a healthy ``GET /healthz``.
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench.fake_slack_api import FakeSlackApi
from bot.store.drivers.sqlite import SqliteRepository

ROOT = Path(__file__).resolve().parent.parent


def build_database(path: Path, learners: int, answers: int) -> float:
    """Fill a real schema quickly: one transaction, executemany."""
    started = time.perf_counter()
    SqliteRepository(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO workspaces (id, platform, name, created_at) VALUES ('T1', 'slack', 'Bench', 0)")
    conn.executemany(
        "INSERT INTO learners (workspace_id, user_id, display_name, created_at, last_seen_at) VALUES ('T1', ?, ?, 0, 0)",
        ((f"U{i}", f"learner {i}") for i in range(learners)),
    )
    conn.executemany(
        """INSERT INTO answers (workspace_id, instance_id, user_id, question_id, letter, correct, points, answered_at, local_date)
           VALUES ('T1', ?, ?, 'foundations-q-01', 'A', ?, ?, ?, '2026-03-02')""",
        ((f"i{n}", f"U{n % learners}", n % 3 != 0, 10 if n % 3 else 1, 1_770_000_000 + n) for n in range(answers)),
    )
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def measure_serve(db: Path, api_url: str, settle_s: float = 1.0) -> dict[str, float]:
    """Seconds from spawn to the first healthy /healthz, then resident memory after a short settle."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update({
        "SLACK_BOT_TOKEN": "xoxb-" + "bench", "SLACK_SIGNING_SECRET": "bench-signing-secret",
        "SLACK_API_URL": api_url, "PORT": str(port), "HOST": "127.0.0.1", "AIPM_DB": str(db),
    })
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    healthy_after = None
    try:
        deadline = started + 30
        while time.perf_counter() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    if response.status == 200:
                        healthy_after = time.perf_counter() - started
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.01)  # polling a port that is not open yet: there is no event to wait on
        if healthy_after is None:
            stderr = process.stderr.read().decode() if process.poll() is not None and process.stderr else ""
            raise RuntimeError(f"aipm serve never became healthy: {stderr[-2000:]}")
        time.sleep(settle_s)  # let the delivery scheduler's first sweep run before reading memory
        rss, peak = _rss_mb(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    return {"startup_s": round(healthy_after, 3), "rss_mb": round(rss, 1), "peak_rss_mb": round(peak, 1)}


def run(learners: int = 100_000, answers: int = 1_000_000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp, FakeSlackApi() as api:
        full = Path(tmp) / "full.db"
        empty = Path(tmp) / "empty.db"
        build_s = build_database(full, learners, answers)
        SqliteRepository(empty).close()
        ours = measure_serve(full, api.url)
        reference = measure_serve(empty, api.url)
    return {
        "learners": learners, "answers": answers, "db_build_s": round(build_s, 1),
        "ours": ours, "reference_empty_db": reference,
        "startup_ratio": round(ours["startup_s"] / reference["startup_s"], 2),
        "rss_ratio": round(ours["peak_rss_mb"] / reference["peak_rss_mb"], 2),
        "goal": "peak RSS < 150 MB, start-up < 2 s",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    args = parser.parse_args()
    result = run(args.learners, args.answers)
    print(f"{'footprint':<22}{'start-up s':>12}{'RSS MB':>10}{'peak MB':>10}")
    for name in ("ours", "reference_empty_db"):
        row = result[name]
        print(f"{name:<22}{row['startup_s']:>12}{row['rss_mb']:>10}{row['peak_rss_mb']:>10}")
    print(f"ratio (ours/reference): start-up {result['startup_ratio']}, peak RSS {result['rss_ratio']}")


if __name__ == "__main__":
    main()

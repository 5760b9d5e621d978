"""kill -9 in the middle of concurrent answers and a daily push: on restart nothing is lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bot.clock import FixedClock, SystemClock
from bot.content import CoursePolicy, load_curriculum
from bot.service import CompanionService
from bot.store.drivers import open_store
from bot.store.drivers.sql.repository import SqlRepository
from tests.faults.load_worker import CHANNELS, FIXTURES, FilePlatform, delivery_for

ROOT = Path(__file__).resolve().parent.parent.parent


def test_kill_minus_9_while_learners_answer_and_a_push_is_in_flight(tmp_path: Path, database_url: str) -> None:
    db = database_url
    platform_log = tmp_path / "platform.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.load_worker", str(db), str(platform_log)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    acked: list[tuple[str, str]] = []
    sent = 0
    assert worker.stdout is not None
    try:
        for line in worker.stdout:
            if line.startswith("ACK "):
                _, user, instance = line.split()
                acked.append((user, instance))
            elif line.startswith("SENT "):
                sent += 1
            if len(acked) >= 300 and sent >= 5:
                break
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    posted_before_restart = platform_log.read_text().split()
    assert 0 < len(posted_before_restart) < CHANNELS, "the kill must land while the push is in flight"

    store = open_store(db)
    assert store.check() == []
    query = store.repo.db.query  # type: ignore[attr-defined]
    stored = {(u, i) for u, i in query("SELECT user_id, instance_id FROM answers")}
    assert set(acked) <= stored, "an acknowledged answer was lost"
    duplicates = query("SELECT COUNT(*) FROM (SELECT instance_id, user_id FROM answers GROUP BY 1, 2 HAVING COUNT(*) > 1) AS doubled")[0][0]
    assert duplicates == 0
    # Every answer counted once in the derived tables, or not at all: one transaction each.
    per_user_answers = {u: int(n) for u, n in query("SELECT user_id, COUNT(*) FROM answers GROUP BY user_id")}
    per_user_activity = {u: int(n) for u, n in query("SELECT user_id, SUM(answered) FROM activity GROUP BY user_id")}
    per_user_reps = {u: int(n) for u, n in query("SELECT user_id, SUM(reps) FROM cards GROUP BY user_id")}
    assert per_user_answers == per_user_activity == per_user_reps
    store.close()

    # Restart after the dead process's lease has expired, well inside the grace window.
    restarted_store = open_store(db)
    repo = restarted_store.repo
    assert isinstance(repo, SqlRepository)
    restarted = FixedClock(SystemClock().now() + timedelta(minutes=6))
    service = CompanionService(repo, load_curriculum(FIXTURES, CoursePolicy.relaxed()), restarted)
    delivery_for(service, repo, FilePlatform(platform_log)).sweep_now()
    delivery_for(service, repo, FilePlatform(platform_log)).sweep_now()  # a second sweep sends nothing new
    restarted_store.close()
    posts = Counter(platform_log.read_text().split())
    assert len(posts) == CHANNELS, "every channel got its post"
    assert set(posts.values()) == {1}, "no channel got it twice"

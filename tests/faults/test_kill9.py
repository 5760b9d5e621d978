"""kill -9 in the middle of concurrent answers: the database is intact, nothing acknowledged is lost or doubled."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_kill_minus_9_while_50_learners_answer(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.load_worker", str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    acked: list[tuple[str, str]] = []
    assert worker.stdout is not None
    try:
        for line in worker.stdout:
            if line.startswith("ACK "):
                _, user, instance = line.split()
                acked.append((user, instance))
                if len(acked) >= 400:
                    break
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    assert len(acked) >= 400

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {(u, i) for u, i in conn.execute("SELECT user_id, instance_id FROM answers")}
    assert set(acked) <= stored, "an acknowledged answer was lost"
    duplicates = conn.execute("SELECT COUNT(*) FROM (SELECT instance_id, user_id FROM answers GROUP BY 1, 2 HAVING COUNT(*) > 1)").fetchone()[0]
    assert duplicates == 0
    # Every answer counted once in the derived tables, or not at all: one transaction each.
    per_user_answers = dict(conn.execute("SELECT user_id, COUNT(*) FROM answers GROUP BY user_id"))
    per_user_activity = dict(conn.execute("SELECT user_id, SUM(answered) FROM activity GROUP BY user_id"))
    per_user_reps = dict(conn.execute("SELECT user_id, SUM(reps) FROM cards GROUP BY user_id"))
    assert per_user_answers == per_user_activity == per_user_reps
    conn.close()

"""The SQLite store: WAL and busy timeout, migrations, atomic answers under concurrency, tenancy."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.reviews import ReviewScheduler
from bot.store.drivers.sqlite import SqliteRepository
from bot.store.records import AnswerWrite, QuizInstance
from bot.store.repository import StoreUnavailable

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_wal_and_busy_timeout_are_on(repo: SqliteRepository) -> None:
    conn = repo.db.connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_migrations_are_recorded_and_idempotent(tmp_path: Path) -> None:
    first = SqliteRepository(tmp_path / "m.db")
    first.close()
    second = SqliteRepository(tmp_path / "m.db")
    names = [r["name"] for r in second.db.query("SELECT name FROM _sqlite_migrations WHERE migration_set = 'aipm'")]
    assert names[0] == "0001_core"
    assert len(names) == len(set(names))
    second.close()


def test_memory_database_works(tmp_path: Path) -> None:
    repo = SqliteRepository(":memory:")
    repo.ensure_workspace("T1", "console", "", NOW)
    assert repo.get_workspace("T1") is not None
    repo.close()


def _instance(repo: SqliteRepository, instance_id: str, owner: str | None = None) -> None:
    repo.create_quiz_instance(QuizInstance(instance_id, "T1", "alpha-q-01", owner, "C1", "channel", NOW))


def _answer(instance_id: str, user: str, correct: bool = True) -> AnswerWrite:
    return AnswerWrite("T1", instance_id, user, "alpha-q-01", "A", correct, 10, NOW, date(2026, 3, 2))


def test_concurrent_answers_are_each_recorded_exactly_once(repo: SqliteRepository) -> None:
    scheduler = ReviewScheduler()
    _instance(repo, "shared")
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def learner(index: int) -> None:
        start.wait()
        for attempt in range(3):  # each learner double-clicks twice more
            ok = repo.record_answer(_answer("shared", f"U{index}"), lambda s: scheduler.record(s, True, NOW))
            with lock:
                results.append(ok)
            del attempt

    threads = [threading.Thread(target=learner, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 8
    assert repo.db.query("SELECT COUNT(*) AS n FROM answers")[0]["n"] == 8
    assert repo.db.query("SELECT SUM(answered) AS n FROM activity")[0]["n"] == 8


def test_a_failure_inside_an_answer_writes_nothing(repo: SqliteRepository) -> None:
    _instance(repo, "i1", "U1")

    def broken_scheduler(state: str | None) -> object:
        raise RuntimeError("scheduler exploded")

    with pytest.raises(RuntimeError):
        repo.record_answer(_answer("i1", "U1"), broken_scheduler)  # type: ignore[arg-type]
    for table in ("answers", "cards", "activity"):
        assert repo.db.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"] == 0


def test_locked_database_raises_store_unavailable(tmp_path: Path) -> None:
    repo = SqliteRepository(tmp_path / "locked.db")
    repo.db.connection().execute("PRAGMA busy_timeout = 50")
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreUnavailable):
            repo.ensure_workspace("T1", "console", "", NOW)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert repo.ensure_workspace("T1", "console", "", NOW).id == "T1"
    repo.close()


def test_queries_never_cross_workspaces(repo: SqliteRepository) -> None:
    scheduler = ReviewScheduler()
    _instance(repo, "i1", "U1")
    repo.record_answer(_answer("i1", "U1"), lambda s: scheduler.record(s, True, NOW))
    assert repo.get_quiz_instance("T2", "i1") is None
    assert repo.answered_question_ids("T2", "U1") == set()
    assert repo.leaderboard("T2", None, None, 10) == []
    assert repo.activity("T2", "U1") == []

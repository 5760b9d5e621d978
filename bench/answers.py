"""Answer throughput: answers recorded per second through the core against bare durable inserts.

Ours: ``CompanionService.handle_action`` for a quiz button click (grading, FSRS update, streak, points,
one IMMEDIATE transaction in SQLite WAL on a file). Reference: the same number of single-row INSERT
transactions on a connection with the same pragmas: the ceiling for one durable write per answer.
"""

from __future__ import annotations

import argparse
import secrets
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.clock import FixedClock
from bot.content import Curriculum, load_curriculum
from bot.messages import ACTION_ANSWER
from bot.service import CompanionService, Context
from bot.store.drivers.sqlite import SqliteRepository
from bot.store.drivers.sqlite.database import BUSY_TIMEOUT_MS
from bot.store.records import QuizInstance

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _run_threads(work: list[list[Any]], target: Callable[[list[Any]], None]) -> float:
    threads = [threading.Thread(target=target, args=(chunk,)) for chunk in work]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def bare_inserts(directory: Path, total: int, threads: int) -> float:
    """Rows per second for single-row durable insert transactions (the reference)."""
    path = directory / f"bare-{threads}.db"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode = WAL")
    setup.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, user_id TEXT, letter TEXT, answered_at INTEGER)")
    setup.close()

    def insert(rows: list[int]) -> None:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        for row in rows:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO answers (user_id, letter, answered_at) VALUES (?, ?, ?)", (f"U{row}", "A", row))
            conn.execute("COMMIT")
        conn.close()

    chunks = [list(range(i, total, threads)) for i in range(threads)]
    return total / _run_threads(chunks, insert)


def core_answers(directory: Path, content: Curriculum, total: int, threads: int, learners: int = 64) -> float:
    """Answers per second through the core, ``threads`` learners' worth of clicks at once."""
    repo = SqliteRepository(directory / f"core-{threads}.db")
    service = CompanionService(repo, content, FixedClock(NOW))
    questions = list(content.questions.values())
    clicks: list[list[tuple[Context, str]]] = [[] for _ in range(threads)]
    for index in range(total):
        learner = index % learners
        ctx = Context(workspace_id="T1", platform="bench", user_id=f"U{learner}", display_name=f"learner {learner}", channel_id="C1")
        question = questions[index % len(questions)]
        instance_id = secrets.token_hex(8)
        repo.create_quiz_instance(QuizInstance(instance_id, "T1", question.id, ctx.user_id, "C1", "quiz", NOW))
        letter = question.answer if index % 3 else question.letters[(question.correct_index + 1) % len(question.options)]
        clicks[learner % threads].append((ctx, f"{instance_id}:{letter}"))
    for chunk in clicks:  # learners exist before timing: we measure answers, not sign-ups
        if chunk:
            service.ensure_learner(chunk[0][0])
    for learner in range(learners):
        service.ensure_learner(Context("T1", "bench", f"U{learner}", f"learner {learner}", "C1"))

    def answer(chunk: list[tuple[Context, str]]) -> None:
        for ctx, value in chunk:
            reply = service.handle_action(ctx, ACTION_ANSWER, value)
            if reply.answer is None or reply.answer.already:
                raise RuntimeError(f"answer not recorded: {reply.text}")

    elapsed = _run_threads(clicks, answer)
    stored = repo.db.query("SELECT COUNT(*) AS n FROM answers")[0]["n"]
    repo.close()
    if stored != total:
        raise RuntimeError(f"{stored} answers stored, expected {total}")
    return total / elapsed


def run(total: int = 2000) -> dict[str, Any]:
    content = load_curriculum(ROOT / "content")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        directory = Path(tmp)
        for threads in (1, 8):
            ours = core_answers(directory, content, total, threads)
            reference = bare_inserts(directory, total, threads)
            results[f"{threads}_thread"] = {
                "ours_per_s": round(ours, 1), "reference_per_s": round(reference, 1), "ratio": round(ours / reference, 3), "goal": ">= 0.40",
            }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=2000)
    args = parser.parse_args()
    results = run(args.answers)
    print(f"{'answers':<12}{'ours/s':>12}{'bare/s':>12}{'ratio':>8}")
    for name, row in results.items():
        print(f"{name:<12}{row['ours_per_s']:>12}{row['reference_per_s']:>12}{row['ratio']:>8}")


if __name__ == "__main__":
    main()
